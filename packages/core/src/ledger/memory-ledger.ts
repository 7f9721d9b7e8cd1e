import { snError } from '../errors/index.js';
import { checkLedgerEntry } from './check-entry.js';
import { deepFreeze } from './freeze.js';
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
    const { claims, format, raw } = checkLedgerEntry(entry);
    if (this.byJti.has(claims.jti)) throw snError('ERR_LEDGER_DUPLICATE', claims.jti);
    return { claims: deepFreeze(claims), format, raw, seq: this.entries.length };
  }
}

function record(stored: Stored): LedgerRecord {
  return Object.freeze({ claims: stored.claims, format: stored.format, raw: stored.raw.slice(), seq: stored.seq });
}
