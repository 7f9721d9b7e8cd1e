import { cpError } from '../errors.js';
import { compareCodeUnits } from '../util/compare.js';
import { checkFailureSignal, checkRemoteState } from './remote.js';

/** What a remote announcement or failure signal asks of the breaker that applies it. */
export interface RemoteRequest {
  /** The (issuer, breaker) pair or the dependency that asked: a breaker it opened may probe when it says so. */
  readonly key: string;
  readonly detail: string;
  /** `open` until `untilMs` (a clock reading; the next backoff step when absent), or `probe` again. */
  readonly action: 'open' | 'probe' | 'none';
  readonly untilMs?: number;
}

/** Key of a remote announcer: unambiguous for any pair of names. */
function remoteKey(iss: string, breaker: string): string {
  return `${iss.length}:${iss}${breaker}`;
}

/**
 * What one breaker has heard from its peers and its dependency (spec §3.6): the highest `seq` applied per
 * (`iss`, `breaker`), at most `maxSources` such pairs, and the last failure signal applied, so that nothing stale
 * or replayed applies twice.
 */
export class RemoteSources {
  readonly #appliedSeq = new Map<string, number>();
  /** The (iat, jti) of the last failure signal applied: signals are ordered by it, so none applies twice. */
  #lastSignal: { readonly iat: number; readonly jti: string } | undefined;

  constructor(
    private readonly dependency: string,
    private readonly maxSources: number,
  ) {}

  /**
   * Checks and records a verified Circuit State Announcement: `ERR_CLAIMS_INVALID`, `ERR_CP_ANNOUNCEMENT_STALE`,
   * `ERR_CP_TOO_MANY_SOURCES` as `CircuitBreaker.applyRemote` documents. Returns what it asks for.
   */
  announcement(raw: unknown): RemoteRequest {
    const a = checkRemoteState(raw);
    const key = remoteKey(a.iss, a.breaker);
    const last = this.#appliedSeq.get(key);
    if (last !== undefined && a.seq <= last) {
      throw cpError('ERR_CP_ANNOUNCEMENT_STALE', `seq ${a.seq} ≤ ${last} from ${a.iss} for ${a.breaker}`);
    }
    if (last === undefined && this.#appliedSeq.size >= this.maxSources) {
      throw cpError('ERR_CP_TOO_MANY_SOURCES', `${a.iss} for ${a.breaker}: already ${this.#appliedSeq.size} pairs`);
    }
    this.#appliedSeq.set(key, a.seq);
    const detail = `${a.iss} announced ${a.state} for ${a.breaker}`.slice(0, 1024);
    if (a.retry_after === undefined) return { key, detail, action: 'probe' };
    return { key, detail, action: 'open', untilMs: a.retry_after * 1000 };
  }

  /**
   * Checks and records a verified Failure Signal of the dependency; undefined for a signal about anyone else. One
   * not after the last applied in (`iat`, `jti`) order is `ERR_CP_ANNOUNCEMENT_STALE`.
   */
  failureSignal(raw: unknown): RemoteRequest | undefined {
    const s = checkFailureSignal(raw);
    if (s.iss !== this.dependency) return undefined;
    const last = this.#lastSignal;
    if (last !== undefined && (s.iat < last.iat || (s.iat === last.iat && compareCodeUnits(s.jti, last.jti) <= 0))) {
      throw cpError(
        'ERR_CP_ANNOUNCEMENT_STALE',
        `failure signal (${s.iat}, ${s.jti}) is not after (${last.iat}, ${last.jti})`,
      );
    }
    this.#lastSignal = { iat: s.iat, jti: s.jti };
    const key = remoteKey(s.iss, '');
    const detail = `${s.iss} signalled ${s.status}`.slice(0, 1024);
    if (s.status === 'unavailable') {
      return { key, detail, action: 'open', ...(s.until === undefined ? {} : { untilMs: s.until * 1000 }) };
    }
    return { key, detail, action: s.status === 'recovered' ? 'probe' : 'none' };
  }
}
