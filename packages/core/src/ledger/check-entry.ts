import { EctClaimsSchema } from '../ect/claims.js';
import { snError } from '../errors/index.js';
import { copyJsonTree } from './freeze.js';
import type { LedgerEntry } from './types.js';

/**
 * Checks an entry and copies it, before any ledger stores it: `ERR_INPUT_INVALID` for a bad format or raw,
 * `ERR_CLAIMS_INVALID` for claims that are not ECT claims. The claims are a deep copy (not frozen), the raw bytes
 * a copy; every ledger implementation admits entries through this one function.
 */
export function checkLedgerEntry(entry: LedgerEntry): LedgerEntry {
  if (typeof entry !== 'object' || entry === null) throw snError('ERR_INPUT_INVALID', 'entry is not an object');
  let format: unknown;
  let raw: unknown;
  let claims: unknown;
  try {
    ({ format, raw, claims } = entry);
  } catch (e) {
    throw snError('ERR_INPUT_INVALID', 'entry could not be read', { cause: e });
  }
  if (format !== 'cose' && format !== 'jws') throw snError('ERR_INPUT_INVALID', 'format must be cose or jws');
  if (!(raw instanceof Uint8Array)) throw snError('ERR_INPUT_INVALID', 'raw must be a Uint8Array');
  // Validate the copy but keep the copy itself, not zod's output: zod drops keys such as "__proto__" that the
  // signed token does carry.
  const copy = copyJsonTree(claims);
  const parsed = EctClaimsSchema.safeParse(copy);
  if (!parsed.success) throw snError('ERR_CLAIMS_INVALID', parsed.error.issues[0]?.path.join('.') ?? 'claims');
  return { claims: copy as LedgerEntry['claims'], format, raw: raw.slice() };
}
