import { snError } from '@safety-net/core';
import type { CircuitState } from './state.js';

/**
 * The claims of a verified Circuit State Announcement that a receiver's breaker needs (spec §2.1), under their
 * claim names, so verified claims can be passed as they are. Verification is the caller's job.
 */
export interface RemoteCircuitState {
  readonly iss: string;
  readonly breaker: string;
  readonly state: CircuitState;
  readonly seq: number;
  /** Whole epoch seconds; present for `open` / `forced_open`. */
  readonly retry_after?: number;
}

/** The claims of a verified Failure Signal that a receiver's breaker needs (spec §2.2). */
export interface RemoteFailureSignal {
  readonly iss: string;
  readonly iat: number;
  /** Orders signals of the same `iat`, so a signal is never applied twice. */
  readonly jti: string;
  readonly status: 'degraded' | 'unavailable' | 'recovered';
  /** Whole epoch seconds. */
  readonly until?: number;
}

const STATES: ReadonlySet<string> = new Set(['closed', 'open', 'half_open', 'forced_open', 'disabled']);
const STATUSES: ReadonlySet<string> = new Set(['degraded', 'unavailable', 'recovered']);

function bad(detail: string): never {
  throw snError('ERR_CLAIMS_INVALID', detail);
}

function uint(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) bad(`${what} must be an unsigned integer`);
  return v;
}

function text(v: unknown, what: string): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > 1024) bad(`${what} must be text of 1…1024 characters`);
  return v;
}

/** Checks the fields of an announcement the breaker acts on; `ERR_CLAIMS_INVALID` otherwise. */
export function checkRemoteState(raw: unknown): RemoteCircuitState {
  if (typeof raw !== 'object' || raw === null) bad('announcement must be an object');
  const a = raw as Record<string, unknown>;
  const state = a['state'];
  if (typeof state !== 'string' || !STATES.has(state)) bad('state is not a circuit state');
  const opening = state === 'open' || state === 'forced_open';
  if (opening !== (a['retry_after'] !== undefined)) bad('retry_after is present exactly for open and forced_open');
  return {
    iss: text(a['iss'], 'iss'),
    breaker: text(a['breaker'], 'breaker'),
    state: state as CircuitState,
    seq: uint(a['seq'], 'seq'),
    ...(opening ? { retry_after: uint(a['retry_after'], 'retry_after') } : {}),
  };
}

/** Checks the fields of a failure signal the breaker acts on; `ERR_CLAIMS_INVALID` otherwise. */
export function checkFailureSignal(raw: unknown): RemoteFailureSignal {
  if (typeof raw !== 'object' || raw === null) bad('failure signal must be an object');
  const s = raw as Record<string, unknown>;
  const status = s['status'];
  if (typeof status !== 'string' || !STATUSES.has(status)) bad('status is not a failure-signal status');
  if (status === 'recovered' && s['until'] !== undefined) bad('until is absent from a recovered signal');
  return {
    iss: text(s['iss'], 'iss'),
    iat: uint(s['iat'], 'iat'),
    jti: text(s['jti'], 'jti'),
    status: status as RemoteFailureSignal['status'],
    ...(s['until'] === undefined ? {} : { until: uint(s['until'], 'until') }),
  };
}
