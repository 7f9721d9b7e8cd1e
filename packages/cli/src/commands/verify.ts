import {
  type AnyMessageType,
  type Clock,
  decodeJwsPayload,
  decodeSign1,
  fromHex,
  isSafetyNetError,
  type Key,
  keySet,
  type MessageTypeRegistry,
  publicKeyOf,
  verifyCompactJws,
  verifyJws,
  verifySign,
  verifySign1,
} from '@safety-net/core';
import { parseCommand, parseNow } from '../args.js';
import { isCoseSign, type MessageInput, readKey, readMessage } from '../inputs.js';
import type { CliIo } from '../io.js';
import { messageTypeByName } from '../registry.js';
import { renderPayload } from '../render.js';
import { UsageError } from '../usage.js';

const OPTIONS = {
  key: { type: 'string', multiple: true },
  'aad-hex': { type: 'string' },
  type: { type: 'string' },
  now: { type: 'string' },
} as const;

/** Generic RFC 9052 / RFC 7515 verification; returns the payload. */
async function verifyGeneric(
  message: MessageInput,
  keys: Key[],
  externalAad: Uint8Array | undefined,
): Promise<Uint8Array> {
  if (message.form === 'jws') {
    if (keys.length !== 1) throw new UsageError('verify: a JWS is verified with exactly one --key');
    return (await verifyCompactJws(message.token, keys[0]!)).payload;
  }
  if (isCoseSign(message.bytes)) {
    // Every signature must verify, each with the --key its kid names (or the only one that fits).
    return verifySign(message.bytes, { key: keySet(keys.map((key) => ({ key }))), externalAad }).payload;
  }
  if (keys.length !== 1) throw new UsageError('verify: a COSE_Sign1 is verified with exactly one --key');
  return verifySign1(message.bytes, { key: publicKeyOf(keys[0]!), externalAad }).payload;
}

/** The message type's full pipeline at `clock`; returns the payload. */
async function verifyTyped(
  message: MessageInput,
  type: AnyMessageType,
  keys: Key[],
  externalAad: Uint8Array | undefined,
  clock: Clock,
): Promise<Uint8Array> {
  if (keys.length !== 1) throw new UsageError('verify: --type takes exactly one --key');
  const options = { key: publicKeyOf(keys[0]!), externalAad, clock };
  const result =
    message.form === 'jws'
      ? await verifyJws(type, message.token, options)
      : await type.verifyAsync(message.bytes, options);
  if (!result.ok) throw result.error;
  return message.form === 'jws' ? decodeJwsPayload(message.token) : decodeSign1(message.bytes).payload!;
}

function parseAad(hex: string | undefined): Uint8Array | undefined {
  if (hex === undefined) return undefined;
  try {
    return fromHex(hex);
  } catch (e) {
    if (isSafetyNetError(e)) throw new UsageError('verify: --aad-hex takes hex bytes');
    throw e;
  }
}

/** `safety-net verify`: prints the payload of a valid message; exit 1 with the error code when it is not. */
export async function verifyCommand(
  args: readonly string[],
  io: CliIo,
  registry: MessageTypeRegistry,
): Promise<number> {
  const { flags, positionals } = parseCommand('verify', args, OPTIONS, { min: 1, max: 1 });
  const keyPaths = flags.key ?? [];
  if (keyPaths.length === 0) throw new UsageError('verify: --key is required');
  if (flags.now !== undefined && flags.type === undefined) throw new UsageError('verify: --now needs --type');
  const type = flags.type === undefined ? undefined : messageTypeByName(registry, 'verify', flags.type);
  const clock = parseNow('verify', flags.now, io);
  const externalAad = parseAad(flags['aad-hex']);
  const keys = keyPaths.map((path) => readKey(io, path));
  const message = readMessage(io, positionals[0]!);
  if (message.form === 'jws' && externalAad) throw new UsageError('verify: --aad-hex applies to COSE messages only');
  const payload =
    type === undefined
      ? await verifyGeneric(message, keys, externalAad)
      : await verifyTyped(message, type, keys, externalAad, clock);
  io.stdout(renderPayload(payload));
  return 0;
}
