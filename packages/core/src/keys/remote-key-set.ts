import { isSafetyNetError, type SafetyNetError, snError } from '../errors/index.js';
import { type Clock, readClock, systemClock } from '../util/clock.js';
import { type OptionChecks, optionChecks } from '../util/option-checks.js';
import type { AsyncKeyResolver } from './async-resolver.js';
import { freshSeconds, type LifetimeBounds } from './cache-lifetime.js';
import { type FetchLike, fetchKeySet, keySetUrl } from './fetch-key-set.js';
import {
  KEY_SET_MEDIA_TYPE,
  type KeySetFormat,
  type ParsedKeySet,
  parseKeySetDocument,
  type SkippedKey,
} from './key-set-document.js';
import type { KeyRequest } from './resolver.js';
import type { PublicKey } from './types.js';

/** Options for {@link RemoteKeySet}. Times in seconds unless the name says otherwise. */
export interface RemoteKeySetOptions {
  /** The issuer, or issuers, the published keys speak for: a message of any other issuer is `ERR_KEY_UNTRUSTED`. */
  issuer: string | readonly string[];
  /** `jwks` (RFC 7517 JWK Set, the default) or `cose` (RFC 9052 COSE_KeySet). */
  format?: KeySetFormat;
  /** The Fetch API to use; default the runtime's `globalThis.fetch`. */
  fetch?: FetchLike;
  /** Where "now" comes from, for freshness and the cooldown. Default the system clock. */
  clock?: Clock;
  /** A fetch (headers and body) that takes longer is aborted. Default 5,000 ms. */
  timeoutMs?: number;
  /** A larger body is refused. Default 65,536 bytes. */
  maxBytes?: number;
  /** A set with more keys is refused. Default 100. */
  maxKeys?: number;
  /** At most one fetch starts per cooldown, except an explicit `refresh()`. Default 30. */
  cooldownSeconds?: number;
  /** Lifetime of a fetched set at least (whatever `max-age` says). Default 60. */
  minTtlSeconds?: number;
  /** Lifetime of a fetched set at most. Default 86,400 (24 h). */
  maxTtlSeconds?: number;
  /** Lifetime of a fetched set whose response has no `max-age`. Default 600. */
  defaultTtlSeconds?: number;
}

/** What a {@link RemoteKeySet} holds and how its last fetch went, for monitoring. Times are clock readings (ms). */
export interface RemoteKeySetStatus {
  /** Usable keys in the held set (0 before the first successful fetch). */
  readonly size: number;
  /** Keys of the held document that were not used, and why (RFC 7517 §5: unknown or malformed keys are ignored). */
  readonly skipped: readonly SkippedKey[];
  /** When the publisher last confirmed the held set (200 or 304). */
  readonly fetchedAt: number | undefined;
  /** Until when the held set is fresh. */
  readonly freshUntil: number | undefined;
  /** Why the last fetch failed; undefined when it succeeded. */
  readonly lastError: SafetyNetError | undefined;
  /** Fetches started since the set was created. */
  readonly fetches: number;
}

interface Held {
  readonly parsed: ParsedKeySet;
  readonly etag: string | undefined;
  readonly fetchedAt: number;
  readonly freshUntil: number;
}

const check: OptionChecks = optionChecks((detail) => snError('ERR_INPUT_INVALID', `remote key set: ${detail}`));

function issuersOf(issuer: unknown): readonly string[] {
  const list: unknown = typeof issuer === 'string' ? [issuer] : issuer;
  if (!Array.isArray(list) || list.length === 0) check.invalid('issuer must be a name or a non-empty list of names');
  return Object.freeze(list.map((name: unknown, i) => check.name(name, `issuer[${i}]`)));
}

function asTyped(e: unknown): SafetyNetError {
  return isSafetyNetError(e) ? e : snError('ERR_KEY_SET_FETCH_FAILED', 'unexpected failure', { cause: e });
}

/**
 * The keys an issuer publishes at a URL, as a JWK Set or a COSE_KeySet, fetched with the runtime's `fetch` and
 * cached (core spec §5.8): fresh for the response's `max-age` within configured bounds, refreshed with
 * `If-None-Match`, replaced as a whole on rotation. Fetches are bounded: at most one per cooldown, shared by every
 * concurrent lookup, so messages naming unknown kids cannot make it hammer the publisher. A failed fetch is a
 * typed error and keeps the last good set.
 *
 * Use it as the `key` option of any verifier. The asynchronous ones (`verifyAsync`, `verifyJws`) fetch when they
 * must; the synchronous `verify` answers from the held set, so `await keys.ready()` before relying on it.
 *
 * @example
 * ```ts
 * const keys = remoteKeySet('https://issuer.example/.well-known/jwks.json', { issuer: 'https://issuer.example' });
 * const result = await verifyJws(ect, token, { key: keys, audience: 'agent-b' });
 * ```
 */
export class RemoteKeySet implements AsyncKeyResolver {
  /** The URL keys are fetched from. */
  readonly url: string;
  readonly #issuers: readonly string[];
  readonly #format: KeySetFormat;
  readonly #fetch: FetchLike;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #maxBytes: number;
  readonly #maxKeys: number;
  readonly #cooldownMs: number;
  readonly #lifetime: LifetimeBounds;
  #held: Held | undefined;
  /** The fetch in flight; it settles to the error it ended with, or undefined on success. */
  #inFlight: Promise<SafetyNetError | undefined> | undefined;
  #lastStart: number | undefined;
  #lastError: SafetyNetError | undefined;
  #fetches = 0;

  constructor(url: string | URL, options: RemoteKeySetOptions) {
    const o = check.object(options, 'options');
    this.url = keySetUrl(url);
    this.#issuers = issuersOf(o.issuer);
    if (o.format !== undefined && o.format !== 'jwks' && o.format !== 'cose')
      check.invalid('format must be jwks or cose');
    this.#format = (o.format as KeySetFormat | undefined) ?? 'jwks';
    const runtimeFetch = typeof globalThis.fetch === 'function' ? globalThis.fetch : undefined;
    // Called through a wrapper: a browser's fetch refuses to run with another object as `this`.
    const fallback: FetchLike | undefined = runtimeFetch && ((u, init) => globalThis.fetch(u, init));
    const fetchImpl = check.fn<FetchLike | undefined>(o.fetch, 'fetch', fallback);
    if (!fetchImpl) check.invalid('this runtime has no fetch: pass options.fetch');
    this.#fetch = fetchImpl;
    this.#clock = (o.clock as Clock | undefined) ?? systemClock;
    this.#timeoutMs = check.int(o.timeoutMs, 'timeoutMs', 1, 600_000, 5_000);
    this.#maxBytes = check.int(o.maxBytes, 'maxBytes', 2, 16_777_216, 65_536);
    this.#maxKeys = check.int(o.maxKeys, 'maxKeys', 1, 10_000, 100);
    this.#cooldownMs = check.number(o.cooldownSeconds, 'cooldownSeconds', { min: 0, max: 86_400 }, 30) * 1000;
    const minSeconds = check.number(o.minTtlSeconds, 'minTtlSeconds', { min: 0, max: 31_536_000 }, 60);
    const maxSeconds = check.number(o.maxTtlSeconds, 'maxTtlSeconds', { min: minSeconds, max: 31_536_000 }, 86_400);
    const defaultSeconds = check.number(
      o.defaultTtlSeconds,
      'defaultTtlSeconds',
      { min: minSeconds, max: maxSeconds },
      Math.min(maxSeconds, Math.max(minSeconds, 600)),
    );
    this.#lifetime = { minSeconds, maxSeconds, defaultSeconds };
  }

  /**
   * The key for `request` from the held set, without waiting. A lookup that cannot be answered well (no set yet,
   * the set no longer fresh, an unknown kid) starts a bounded fetch in the background. Before the first set:
   * `ERR_KEY_SET_UNAVAILABLE`, or the code of the fetch that failed.
   */
  resolve(request: KeyRequest): PublicKey {
    const now = readClock(this.#clock);
    const held = this.#held;
    if (!held || now >= held.freshUntil) void this.#bounded(now);
    if (!held) throw this.#unavailable();
    try {
      return held.parsed.keys.resolve(request);
    } catch (e) {
      if (isSafetyNetError(e, 'ERR_KEY_NOT_FOUND')) void this.#bounded(now);
      throw e;
    }
  }

  /**
   * The key for `request`, fetching first when no set is held or it is no longer fresh, and once more when the
   * kid is unknown; each fetch within the cooldown bound, and shared with concurrent lookups.
   */
  async resolveAsync(request: KeyRequest): Promise<PublicKey> {
    const now = readClock(this.#clock);
    if (!this.#held || now >= this.#held.freshUntil) await this.#bounded(now);
    const held = this.#held;
    if (!held) throw this.#unavailable();
    try {
      return held.parsed.keys.resolve(request);
    } catch (e) {
      if (!isSafetyNetError(e, 'ERR_KEY_NOT_FOUND')) throw e;
    }
    await this.#bounded(readClock(this.#clock));
    return (this.#held ?? held).parsed.keys.resolve(request);
  }

  /**
   * Resolves once a set is held and fresh, fetching it if needed (within the cooldown); throws why there is no set
   * at all. A held set that could not be refreshed still counts: see {@link RemoteKeySet.status}.
   */
  async ready(): Promise<void> {
    const now = readClock(this.#clock);
    if (!this.#held || now >= this.#held.freshUntil) await this.#bounded(now);
    if (!this.#held) throw this.#unavailable();
  }

  /** Fetches now, whatever the cooldown (sharing a fetch already in flight); throws why that fetch failed. */
  async refresh(): Promise<void> {
    const error = await (this.#inFlight ?? this.#start(readClock(this.#clock)));
    if (error) throw error;
  }

  /** What is held and how the last fetch went. */
  status(): RemoteKeySetStatus {
    const held = this.#held;
    return {
      size: held?.parsed.keys.size ?? 0,
      skipped: held?.parsed.skipped ?? [],
      fetchedAt: held?.fetchedAt,
      freshUntil: held?.freshUntil,
      lastError: this.#lastError,
      fetches: this.#fetches,
    };
  }

  #unavailable(): SafetyNetError {
    return this.#lastError ?? snError('ERR_KEY_SET_UNAVAILABLE', `${this.url}: await ready() or verify asynchronously`);
  }

  /** The fetch in flight, else a new one unless the last started within the cooldown. Never rejects. */
  #bounded(now: number): Promise<SafetyNetError | undefined> {
    if (this.#inFlight) return this.#inFlight;
    if (this.#lastStart !== undefined && now - this.#lastStart < this.#cooldownMs) return Promise.resolve(undefined);
    return this.#start(now);
  }

  #start(now: number): Promise<SafetyNetError | undefined> {
    this.#lastStart = now;
    this.#fetches += 1;
    const settled = this.#fetchAndApply().then(
      () => {
        this.#lastError = undefined;
        return undefined;
      },
      (e: unknown) => {
        this.#lastError = asTyped(e);
        return this.#lastError;
      },
    );
    this.#inFlight = settled.finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #fetchAndApply(): Promise<void> {
    const previous = this.#held;
    const response = await fetchKeySet(this.#fetch, {
      url: this.url,
      accept: KEY_SET_MEDIA_TYPE[this.#format],
      etag: previous?.etag,
      timeoutMs: this.#timeoutMs,
      maxBytes: this.#maxBytes,
    });
    const now = readClock(this.#clock);
    const freshUntil = now + freshSeconds(response.headers, this.#lifetime) * 1000;
    if (response.status === 304) {
      // Sent only with a held set's ETag, so there is a set to keep.
      this.#held = { ...previous!, fetchedAt: now, freshUntil };
      return;
    }
    const parsed = parseKeySetDocument(response.body, this.#format, { maxKeys: this.#maxKeys, issuers: this.#issuers });
    this.#held = { parsed, etag: response.etag, fetchedAt: now, freshUntil };
  }
}

/**
 * A {@link RemoteKeySet} for `url`.
 *
 * @example
 * ```ts
 * const keys = remoteKeySet('https://issuer.example/keys.cbor', { issuer: 'https://issuer.example', format: 'cose' });
 * await keys.ready();
 * ect.verify(bytes, { key: keys });
 * ```
 */
export function remoteKeySet(url: string | URL, options: RemoteKeySetOptions): RemoteKeySet {
  return new RemoteKeySet(url, options);
}
