import { EctClaimsSchema } from '../ect/claims.js';
import { snError } from '../errors/index.js';
import { copyJsonTree, deepFreeze } from './freeze.js';
import type { Ledger, LedgerEntry, LedgerFormat, LedgerRecord } from './types.js';

interface Stored {
  readonly claims: LedgerEntry['claims'];
  readonly format: LedgerFormat;
  readonly raw: Uint8Array;
  readonly seq: number;
}

/**
 * A {@link Ledger} in memory, for tests, simulations and short-lived verifiers. Entries are checked
 * (`ERR_CLAIMS_INVALID` for claims that are not ECT claims, `ERR_INPUT_INVALID` for a bad format or raw), deep-copied
 * and frozen on append; the raw bytes are copied again on every read, so no caller can rewrite history.
 *
 * @example
 * ```ts
 * const ledger = new MemoryLedger();
 * await ledger.append({ claims, format: 'jws', raw: utf8(compactJws) });
 * const trail = await ledger.byWorkflow(claims.wid);
 * ```
 */
export class MemoryLedger implements Ledger {
  private readonly entries: Stored[] = [];
  private readonly byJti = new Map<string, Stored>();
  private readonly workflows = new Map<string, Stored[]>();

  async append(entry: LedgerEntry): Promise<LedgerRecord> {
    const stored = this.admit(entry);
    this.entries.push(stored);
    this.byJti.set(stored.claims.jti, stored);
    const trail = this.workflows.get(stored.claims.wid);
    if (trail) trail.push(stored);
    else this.workflows.set(stored.claims.wid, [stored]);
    return record(stored);
  }

  async get(jti: string): Promise<LedgerRecord | undefined> {
    const stored = this.byJti.get(jti);
    return stored && record(stored);
  }

  async byWorkflow(wid: string): Promise<LedgerRecord[]> {
    return (this.workflows.get(wid) ?? []).map(record);
  }

  async size(): Promise<number> {
    return this.entries.length;
  }

  /** Entries in append order; those appended while iterating are not included. */
  async *[Symbol.asyncIterator](): AsyncIterator<LedgerRecord> {
    const end = this.entries.length;
    for (let i = 0; i < end; i++) yield record(this.entries[i]!);
  }

  /** Checks and copies an entry; throws before anything is stored. */
  private admit(entry: LedgerEntry): Stored {
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
    const valid = copy as LedgerEntry['claims'];
    if (this.byJti.has(valid.jti)) throw snError('ERR_LEDGER_DUPLICATE', valid.jti);
    return { claims: deepFreeze(valid), format, raw: raw.slice(), seq: this.entries.length };
  }
}

function record(stored: Stored): LedgerRecord {
  return Object.freeze({ claims: stored.claims, format: stored.format, raw: stored.raw.slice(), seq: stored.seq });
}
