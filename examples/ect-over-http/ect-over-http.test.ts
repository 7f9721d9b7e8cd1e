import { describe, expect, it } from 'vitest';
import { runEctOverHttp } from './scenario.js';

describe('example: ECT over HTTP', () => {
  it('accepts the three tasks in both wire forms and refuses tampering, replay and a missing predecessor', async () => {
    const { exchanges, dagSize, ledgerSize, edges } = await runEctOverHttp();
    expect(
      exchanges.map((x) => [
        x.step,
        x.status,
        x.verdicts[0]!.accepted ? 'ok' : (x.verdicts[0] as { code: string }).code,
      ]),
    ).toEqual([
      ['reserve stock', 200, 'ok'],
      ['pick items', 200, 'ok'],
      ['hand over to shipping', 200, 'ok'],
      ['tampered token', 403, 'ERR_COSE_BAD_SIGNATURE'],
      ['replayed token', 403, 'ERR_CLAIMS_REPLAY'],
      ['unknown predecessor', 403, 'ERR_ECT_PREDECESSOR_MISSING'],
    ]);
    expect(dagSize).toBe(3);
    expect(ledgerSize).toBe(3);
    expect(edges).toEqual(['inventory.reserve → inventory.pick', 'inventory.pick → inventory.hand_over']);
  });
});
