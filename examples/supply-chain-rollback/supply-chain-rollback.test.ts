import { describe, expect, it } from 'vitest';
import { runSupplyChainRollback } from './scenario.js';

/** The state the three agents held before batch B-17 arrived; order 4 came from an older batch and stays. */
const BEFORE_BATCH = {
  'stock/sku-42': 'none',
  'shipments/order-1': 'none',
  'shipments/order-2': 'none',
  'shipments/order-3': 'none',
  'charges/order-1': 'none',
  'charges/order-2': 'none',
  'charges/order-3': 'none',
  'stock/sku-7': 'qty=4',
  'shipments/order-4': 'label A-02/4',
  'charges/order-4': 'captured 120',
};

describe('example: supply-chain rollback', () => {
  it('names the bad batch as root cause and reverses the three agents’ work as a unit to the checkpointed state', async () => {
    const r = await runSupplyChainRollback({ seed: 'supply-chain', failureRate: 0 });
    expect([r.rootCause, r.rootAgent]).toEqual(['receive-b17', 'spiffe://logistics.example/agent/inventory']);
    expect(r.blastRadius).toEqual({ tasks: 9, byAgent: { inventory: 3, payment: 3, shipping: 3 } });
    expect(r.outcome.status).toBe('completed');
    expect(r.outcome.compensated).toEqual([
      'charge-3',
      'label-3',
      'reserve-3',
      'charge-2',
      'label-2',
      'reserve-2',
      'charge-1',
      'label-1',
      'reserve-1',
      'receive-b17',
    ]);
    expect(r.finalState).toEqual(BEFORE_BATCH);
    expect(r.fencedRefusal).toBe('ERR_CP_FENCED');
    expect(r.doubleCompensations).toBe(0);
  });

  it('ends in the same state with 10% injected compensation failures and a coordinator restart, compensating nothing twice', async () => {
    const r = await runSupplyChainRollback({ seed: 'supply-chain', failureRate: 0.1, crashAfter: 4 });
    expect(r.crashed).toBe(true);
    expect(r.retries).toBeGreaterThan(0);
    expect(r.outcome.status).toBe('completed');
    expect(r.outcome.compensated).toHaveLength(10);
    expect(r.finalState).toEqual(BEFORE_BATCH);
    expect(r.doubleCompensations).toBe(0);
    for (const seed of ['a', 'b', 'c']) {
      const other = await runSupplyChainRollback({ seed, failureRate: 0.1, crashAfter: 1 + (seed.charCodeAt(0) % 9) });
      expect(other.finalState).toEqual(BEFORE_BATCH);
      expect(other.doubleCompensations).toBe(0);
    }
  });

  it('is deterministic from its seed', async () => {
    const a = await runSupplyChainRollback({ seed: 'same', failureRate: 0.1, crashAfter: 3 });
    const b = await runSupplyChainRollback({ seed: 'same', failureRate: 0.1, crashAfter: 3 });
    expect(b.events).toEqual(a.events);
    expect(b.outcome.complete).toEqual(a.outcome.complete);
  });
});
