import { publicKeyOf } from '@safety-net/core';
import { verifyCosigned, verifyProofBundle } from '@safety-net/cross-domain-audit';
import { parseCommand, parseNow } from '../args.js';
import { readBytes, readKey } from '../inputs.js';
import type { CliIo } from '../io.js';
import { UsageError } from '../usage.js';
import { readPolicy } from './audit-policy.js';

const OPTIONS = { policy: { type: 'string' }, 'receipt-key': { type: 'string' }, now: { type: 'string' } } as const;
const COMMAND = 'audit verify-bundle';
/** A bundle's own limit (spec §9); the package checks it again. */
const MAX_BUNDLE_FILE_BYTES = 16 * 1_048_576;

/**
 * `safety-net audit verify-bundle`: verifies a proof bundle offline (spec §5.6) under the verifier's own witness
 * policy (`--policy`, JSON as §5.3 writes it): every checkpoint meets it at `--now`, every entry is proven, every
 * receipt verifies under `--receipt-key` (a JWK). Prints one line per item: its index, entry kind and tree size.
 */
export async function verifyBundleCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { flags, positionals } = parseCommand(COMMAND, args, OPTIONS, { min: 1, max: 1 });
  if (flags.policy === undefined) throw new UsageError(`${COMMAND}: --policy is required`);
  const policy = readPolicy(io, flags.policy);
  const clock = parseNow(COMMAND, flags.now, io);
  const receiptKey = flags['receipt-key'] === undefined ? undefined : publicKeyOf(readKey(io, flags['receipt-key']));
  const bundle = readBytes(io, positionals[0]!, MAX_BUNDLE_FILE_BYTES);
  const items = await verifyProofBundle(bundle, {
    openCheckpoint: async (text) => verifyCosigned(text, policy, { clock }),
    receiptKey,
  });
  for (const item of items)
    io.stdout(`verified: entry ${item.index} (${item.entry.kind}) in a tree of ${item.head.size}`);
  return 0;
}
