/**
 * Circuit-breaker overhead: calls per second through a closed breaker wrapping the same resolved async function,
 * ours beside cockatiel (ConsecutiveBreaker) and opossum (no timeout), timed together. Each setup is checked
 * before timing: the breaker must be closed and pass the function's value through.
 */

import { CircuitBreaker } from '@safety-net/cascade-prevention';
import { ConsecutiveBreaker, circuitBreaker, handleAll } from 'cockatiel';
import Opossum from 'opossum';
import type { BenchGroup } from './signing.js';

/** The protected call: the cheapest possible async dependency, so the breaker's own cost dominates. */
const work = (): Promise<number> => Promise.resolve(1);

/** The breaker cases, timed together. */
export async function breakerGroup(): Promise<BenchGroup> {
  const ours = new CircuitBreaker({ id: 'bench', dependency: 'bench' });
  const cockatiel = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) });
  const opossum = new Opossum(work, { timeout: false });
  const checks = [await ours.execute(work), await cockatiel.execute(work), await opossum.fire()];
  if (checks.some((v) => v !== 1) || ours.state !== 'closed' || !opossum.closed)
    throw new Error('bench breakers are not set up');
  return {
    title: 'circuit breakers (closed, resolved async call)',
    cases: [
      { name: 'cp.breaker.execute', run: () => ours.execute(work), async: true },
      { name: 'cockatiel.breaker.execute', run: () => cockatiel.execute(work), async: true },
      { name: 'opossum.fire', run: () => opossum.fire(), async: true },
    ],
  };
}
