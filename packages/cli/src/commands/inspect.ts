import {
  type AnyMessageType,
  algorithmById,
  cborDiagnostic,
  decodeCbor,
  decodeJwsHeader,
  decodeJwsPayload,
  decodeSign,
  decodeSign1,
  fromUtf8,
  HEADER,
  type HeaderPair,
  isSafetyNetError,
  type MessageTypeRegistry,
  snError,
} from '@safety-net/core';
import { parseCommand } from '../args.js';
import { isCoseSign, readMessage } from '../inputs.js';
import type { CliIo } from '../io.js';
import { renderPayload } from '../render.js';

/** First line of every inspection, so that nobody mistakes it for a verification. */
export const NOT_VERIFIED = 'NOT VERIFIED: inspect only decodes; no signature, key, time or claim was checked.';

/** Names the message type of a `typ` (`shown` is how the typ is printed: diagnostic or JSON). */
function typeLine(registry: MessageTypeRegistry, typ: unknown, shown: string): string {
  if (typ === undefined) return 'message type: none (no typ)';
  const type = registry.byTyp(typ);
  return `message type: ${type ? type.name : 'unknown'} (typ ${shown})`;
}

/** A JWS payload as JSON; anything else is not claims. */
function jsonOf(payload: Uint8Array): unknown {
  const text = fromUtf8(payload);
  try {
    return JSON.parse(text);
  } catch {
    throw snError('ERR_CLAIMS_INVALID', 'payload is not JSON');
  }
}

function algLine(headers: HeaderPair): string {
  const alg = headers.protectedHeader.get(HEADER.alg) ?? headers.unprotectedHeader.get(HEADER.alg);
  if (alg === undefined) return 'alg: none';
  try {
    return `alg: ${algorithmById(alg).name} (${String(alg)})`;
  } catch {
    return `alg: unsupported (${cborDiagnostic(alg)})`;
  }
}

function headerLines(headers: HeaderPair, indent = ''): string[] {
  return [
    `${indent}protected: ${cborDiagnostic(headers.protectedHeader)}`,
    `${indent}unprotected: ${cborDiagnostic(headers.unprotectedHeader)}`,
    `${indent}${algLine(headers)}`,
  ];
}

/** The claims as JSON when they fit the type's schema; otherwise the payload as it is, and why. */
function claimLines(type: AnyMessageType | undefined, read: () => unknown, payload: Uint8Array): string[] {
  if (type) {
    let raw: unknown;
    try {
      raw = read();
    } catch (e) {
      if (!isSafetyNetError(e)) throw e;
      return [`payload (not ${type.name} claims: ${e.code}):`, renderPayload(payload)];
    }
    try {
      return ['claims:', JSON.stringify(type.parse(raw), null, 2)];
    } catch (e) {
      if (!isSafetyNetError(e, 'ERR_CLAIMS_INVALID')) throw e;
      return [`payload (does not match the ${type.name} claims schema):`, renderPayload(payload)];
    }
  }
  return ['payload:', renderPayload(payload)];
}

function inspectCose(bytes: Uint8Array, registry: MessageTypeRegistry): string[] {
  const sign = isCoseSign(bytes);
  const decoded = sign ? decodeSign(bytes) : decodeSign1(bytes);
  const typ = decoded.protectedHeader.get(HEADER.typ);
  const type = registry.byTyp(typ);
  const name = sign ? 'COSE_Sign' : 'COSE_Sign1';
  const lines = [
    `format: ${name}${decoded.tagged ? ` (tag ${sign ? 98 : 18})` : ' (untagged)'}`,
    typeLine(registry, typ, typ === undefined ? '' : cborDiagnostic(typ)),
  ];
  if ('signatures' in decoded) {
    lines.push(
      `protected: ${cborDiagnostic(decoded.protectedHeader)}`,
      `unprotected: ${cborDiagnostic(decoded.unprotectedHeader)}`,
    );
    decoded.signatures.forEach((s, i) => {
      lines.push(
        `signature ${i + 1} of ${decoded.signatures.length}: ${s.signature.length} bytes`,
        ...headerLines(s, '  '),
      );
    });
  } else {
    lines.push(...headerLines(decoded), `signature: ${decoded.signature.length} bytes`);
  }
  const payload = decoded.payload;
  if (payload === null) return [...lines, 'payload: detached (not in the message)'];
  return [...lines, ...claimLines(type, () => type!.fromCbor(decodeCbor(payload)), payload)];
}

function inspectJws(token: string, registry: MessageTypeRegistry): string[] {
  const header = decodeJwsHeader(token);
  const type = registry.byTyp(header.typ);
  const payload = decodeJwsPayload(token);
  const signature = token.split('.')[2]!;
  return [
    'format: compact JWS',
    typeLine(registry, header.typ, JSON.stringify(header.typ)),
    `header: ${JSON.stringify(header)}`,
    `signature: ${Math.floor((signature.length * 3) / 4)} bytes`,
    ...claimLines(type, () => jsonOf(payload), payload),
  ];
}

/** `safety-net inspect`: what a message says about itself, clearly marked as not verified. */
export function inspectCommand(args: readonly string[], io: CliIo, registry: MessageTypeRegistry): number {
  const { positionals } = parseCommand('inspect', args, {}, { min: 1, max: 1 });
  const message = readMessage(io, positionals[0]!);
  const lines = message.form === 'jws' ? inspectJws(message.token, registry) : inspectCose(message.bytes, registry);
  for (const line of [NOT_VERIFIED, ...lines]) io.stdout(line);
  return 0;
}
