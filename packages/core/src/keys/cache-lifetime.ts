/** Bounds on how long a fetched key set is fresh, in seconds. */
export interface LifetimeBounds {
  readonly minSeconds: number;
  readonly maxSeconds: number;
  /** When the response gives no `max-age`. */
  readonly defaultSeconds: number;
}

/** The `max-age` of a `Cache-Control` value; 0 for `no-cache` / `no-store`; undefined when it says neither. */
function maxAgeOf(cacheControl: string): number | undefined {
  let maxAge: number | undefined;
  for (const directive of cacheControl.split(',')) {
    const [name = '', raw = ''] = directive.trim().toLowerCase().split('=', 2);
    if (name === 'no-cache' || name === 'no-store') return 0;
    // RFC 9111 §1.2.2: delta-seconds is digits only (a sender may quote it); anything else leaves it out.
    const value = raw.replace(/^"(.*)"$/, '$1');
    if (name === 'max-age' && /^\d{1,10}$/.test(value)) maxAge = Number(value);
  }
  return maxAge;
}

/**
 * How long a response stays fresh (RFC 9111 §4.2.1: `max-age` minus the `Age` it already has), held within the
 * configured bounds: a publisher can neither make us fetch on every message nor keep a key trusted for ever.
 */
export function freshSeconds(headers: { get(name: string): string | null }, bounds: LifetimeBounds): number {
  const maxAge = maxAgeOf(headers.get('cache-control') ?? '');
  const age = Number(headers.get('age') ?? 0);
  const fresh = maxAge === undefined ? bounds.defaultSeconds : maxAge - (Number.isSafeInteger(age) ? age : 0);
  return Math.min(bounds.maxSeconds, Math.max(bounds.minSeconds, fresh));
}
