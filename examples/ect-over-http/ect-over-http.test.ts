import { describe, expect, it } from 'vitest';
import { runEctOverHttp } from './scenario.js';

describe('example: ECT over HTTP', () => {
  it('accepts the three tasks in both wire forms and refuses a missing header, tampering, replay and a missing predecessor', async () => {
    const { exchanges, dagSize, ledgerSize, edges } = await runEctOverHttp();
    expect(exchanges.map((x) => [x.step, x.form, x.status, x.outcome])).toEqual([
      ['reserve stock', 'cose', 200, 'inventory.reserve'],
      ['pick items', 'jws', 200, 'inventory.pick'],
      ['hand over to shipping', 'cose', 200, 'inventory.hand_over'],
      // Fail closed: a request without ECTs is refused, not served without them.
      ['no Execution-Context', '-', 401, 'ERR_ECT_HEADER_MISSING'],
      ['tampered token', 'cose', 401, 'ERR_COSE_BAD_SIGNATURE'],
      // The receiver's DAG already holds the task: refused there, before the replay cache is asked.
      ['replayed token', 'cose', 409, 'ERR_ECT_DUPLICATE_JTI'],
      ['unknown predecessor', 'cose', 409, 'ERR_ECT_PREDECESSOR_MISSING'],
    ]);
    expect(dagSize).toBe(3);
    expect(ledgerSize).toBe(3);
    expect(edges).toEqual(['inventory.reserve → inventory.pick', 'inventory.pick → inventory.hand_over']);
  });
});
