import { fromUtf8, publicKeyOf, toHex } from '@safety-net/core';
import { type EatVerifyOptions, verifyEat, verifyEatJwt } from '@safety-net/cross-domain-audit';
import { parseCommand, parseNow } from '../args.js';
import { readKey, readMessage } from '../inputs.js';
import type { CliIo } from '../io.js';
import { UsageError } from '../usage.js';

const OPTIONS = {
  key: { type: 'string' },
  role: { type: 'string' },
  aud: { type: 'string' },
  nonce: { type: 'string' },
  now: { type: 'string' },
} as const;

const COMMAND = 'audit verify-sd';

/** An SD-JWT presentation is text with `~` separators; anything else is read as an SD-CWT (hex or binary). */
function presentationOf(io: CliIo, path: string): { jwt: string } | { cwt: Uint8Array } {
  const message = readMessage(io, path);
  if (message.form === 'jws') return { jwt: message.token };
  try {
    const text = fromUtf8(message.bytes).trim();
    if (text.includes('~')) return { jwt: text };
  } catch {
    // Binary: an SD-CWT.
  }
  return { cwt: message.bytes };
}

/** Byte strings of the COSE form print as hex, so that the output is JSON. */
function jsonOf(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (v instanceof Uint8Array ? toHex(v) : v));
}

/**
 * `safety-net audit verify-sd`: verifies an Execution Audit Token presentation (SD-CWT or SD-JWT, spec §3.3–3.4)
 * issued under `--key`; `--aud` and `--nonce` require and check a key binding; `--role` checks what the role may
 * see. Prints one JSON object: the claims with the disclosed ones in place, the disclosed paths, and `keyBound`.
 */
export async function verifySdCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseCommand(COMMAND, args, OPTIONS, { min: 1, max: 1 });
  if (flags.key === undefined) throw new UsageError(`${COMMAND}: --key is required`);
  if ((flags.aud === undefined) !== (flags.nonce === undefined)) {
    throw new UsageError(`${COMMAND}: --aud and --nonce go together`);
  }
  const options: EatVerifyOptions = {
    key: publicKeyOf(readKey(io, flags.key)),
    role: flags.role,
    keyBinding: flags.aud === undefined ? undefined : { required: true, audience: flags.aud, nonce: flags.nonce! },
    clock: parseNow(COMMAND, flags.now, io),
  };
  const presentation = presentationOf(io, positionals[0]!);
  const result =
    'jwt' in presentation ? await verifyEatJwt(presentation.jwt, options) : await verifyEat(presentation.cwt, options);
  if (!result.ok) throw result.error;
  io.stdout(
    jsonOf({ claims: result.claims, disclosed: result.disclosed.map((d) => d.path), keyBound: result.keyBound }),
  );
  return 0;
}
