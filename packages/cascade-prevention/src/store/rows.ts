import type { CompensationEntry } from '../rollback/compensation-record.js';
import type { StepState, StepStatus, StoredRollback } from '../rollback/store.js';

/** A rollback as an SQL store reads it back (SQLite and PostgreSQL alike; their drivers hand out Buffers). */
export interface RollbackRow {
  id: string;
  digest: string;
  request: Uint8Array;
  plan: Uint8Array;
  complete: Uint8Array | null;
  /** 0/1 in SQLite, a boolean in PostgreSQL. */
  released: number | boolean;
}

/** One step as an SQL store reads it back. */
export interface StepRow {
  step: number;
  status: StepStatus;
  attempts: number;
  result: Uint8Array | null;
  reason: string | null;
}

/** Plain bytes, copied out of the driver's buffer. */
const bytes = (b: Uint8Array | null): Uint8Array | undefined => (b ? new Uint8Array(b) : undefined);

/** The {@link StoredRollback} of a rollback row and its step rows (in step order); absent columns stay absent. */
export function storedRollback(row: RollbackRow, steps: readonly StepRow[]): StoredRollback {
  const complete = bytes(row.complete);
  return {
    rollback: row.id,
    digest: row.digest,
    request: new Uint8Array(row.request),
    plan: new Uint8Array(row.plan),
    steps: steps.map((s): StepState => {
      const result = bytes(s.result);
      return {
        step: s.step,
        status: s.status,
        attempts: s.attempts,
        ...(result ? { result } : {}),
        ...(s.reason ? { reason: s.reason } : {}),
      };
    }),
    released: row.released === 1 || row.released === true,
    ...(complete ? { complete } : {}),
  };
}

/** A participant's compensation entry as an SQL store reads it back. */
export function compensationEntry(row: { attempts: number; result: Uint8Array | null }): CompensationEntry {
  const result = bytes(row.result);
  return { attempts: row.attempts, ...(result ? { result } : {}) };
}
