/**
 * Circuit-breaker overhead: calls per second through a closed breaker wrapping the same resolved async function,
 * ours beside cockatiel (ConsecutiveBreaker) and opossum (no timeout), timed together; and through the composed
 * policy wrap(retry, breaker, bulkhead, timeout), ours beside cockatiel's. Each setup is checked before timing: the
 * breaker must be closed, the bulkhead empty, and the function's value passed through.
 */

import { Bulkhead, CircuitBreaker, retry, timeout, wrap } from '@safety-net/cascade-prevention';
import {
  bulkhead,
  ConsecutiveBreaker,
  circuitBreaker,
  retry as cockatielRetry,
  timeout as cockatielTimeout,
  wrap as cockatielWrap,
  handleAll,
  TimeoutStrategy,
} from 'cockatiel';
import Opossum from 'opossum';
import type { BenchGroup } from './signing.js';

/** The protected call: the cheapest possible async dependency, so the breaker's own cost dominates. */
const work = (): Promise<number> => Promise.resolve(1);

/** The breaker cases, timed together. */
export async function breakerGroup(): Promise<BenchGroup> {
  const ours = new CircuitBreaker({ id: 'bench', dependency: 'bench' });
  const cockatiel = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) });
  const opossum = new Opossum(work, { timeout: false });
  // The same stack on both sides: 3 calls at most (cockatiel's maxAttempts counts retries), a closed breaker, 8
  // slots, a cooperative 10 s timeout.
  const ourBreaker = new CircuitBreaker({ id: 'bench-wrap', dependency: 'bench' });
  const ourBulkhead = new Bulkhead({ name: 'bench', maxConcurrent: 8 });
  const ourWrap = wrap(retry({ attempts: 3 }), ourBreaker, ourBulkhead, timeout(10_000));
  const cockatielWrapped = cockatielWrap(
    cockatielRetry(handleAll, { maxAttempts: 2 }),
    circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
    bulkhead(8),
    cockatielTimeout(10_000, TimeoutStrategy.Cooperative),
  );
  const checks = [
    await ours.execute(work),
    await cockatiel.execute(work),
    await opossum.fire(),
    await ourWrap.execute(work),
    await cockatielWrapped.execute(work),
  ];
  if (checks.some((v) => v !== 1) || ours.state !== 'closed' || !opossum.closed)
    throw new Error('bench breakers are not set up');
  if (ourBreaker.snapshot().calls !== 1 || ourBulkhead.stats().completed !== 1 || ourBulkhead.stats().active !== 0)
    throw new Error('bench policies are not set up');
  return {
    title: 'circuit breakers (closed, resolved async call)',
    cases: [
      { name: 'cp.breaker.execute', run: () => ours.execute(work), async: true },
      { name: 'cockatiel.breaker.execute', run: () => cockatiel.execute(work), async: true },
      { name: 'opossum.fire', run: () => opossum.fire(), async: true },
      { name: 'cp.wrap.execute', run: () => ourWrap.execute(work), async: true },
      { name: 'cockatiel.wrap.execute', run: () => cockatielWrapped.execute(work), async: true },
    ],
  };
}
