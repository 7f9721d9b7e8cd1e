import { type MessageTypeRegistry, signJws, snError, toHex } from '@safety-net/core';
import { parseCommand, required } from '../args.js';
import { readClaims, readKey } from '../inputs.js';
import type { CliIo } from '../io.js';
import { messageTypeByName } from '../registry.js';
import { UsageError } from '../usage.js';

const OPTIONS = { type: { type: 'string' }, key: { type: 'string' }, format: { type: 'string' } } as const;

/**
 * `safety-net sign`: validates the claims against the message type and prints the signed message, hex COSE_Sign1
 * (default) or a compact JWS (`--format jws`).
 */
export async function signCommand(args: readonly string[], io: CliIo, registry: MessageTypeRegistry): Promise<number> {
  const { flags, positionals } = parseCommand('sign', args, OPTIONS, { min: 1, max: 1 });
  const type = messageTypeByName(registry, 'sign', required('sign', flags.type, 'type'));
  const keyPath = required('sign', flags.key, 'key');
  const format = flags.format ?? 'cose';
  if (format !== 'cose' && format !== 'jws') throw new UsageError('sign: --format must be cose or jws');
  const key = readKey(io, keyPath);
  if (key.type !== 'private') throw snError('ERR_KEY_PRIVATE_REQUIRED', `${keyPath} holds a public key`);
  const claims = readClaims(io, positionals[0]!);
  io.stdout(format === 'jws' ? await signJws(type, claims, key) : toHex(type.sign(claims, key)));
  return 0;
}
