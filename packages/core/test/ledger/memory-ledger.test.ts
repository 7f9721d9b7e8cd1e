import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LedgerEntry, MemoryLedger } from '../../src/ledger/index.js';
import { codeOf, describeLedger, entry } from './contract.js';

describeLedger('memory', async () => {
  const ledger = new MemoryLedger();
  return [ledger, ledger];
});

describe('MemoryLedger', () => {
  it('copies deeply nested extension data without recursion', async () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    const ledger = new MemoryLedger();
    expect(await codeOf(() => ledger.append(entry('deep', 'w', { ect_ext: { deep } })))).toBeUndefined();
  });

  it('answers garbage only with typed errors (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.anything(),
          fc.record({
            claims: fc.anything(),
            format: fc.constantFrom('cose', 'jws'),
            raw: fc.uint8Array({ maxLength: 8 }),
          }),
          fc.record({
            claims: fc.dictionary(
              fc.constantFrom('iss', 'aud', 'iat', 'exp', 'jti', 'wid', 'exec_act', 'pred'),
              fc.jsonValue({ maxDepth: 1 }),
            ),
            format: fc.constant('jws'),
            raw: fc.uint8Array({ maxLength: 8 }),
          }),
        ),
        async (input) => {
          const ledger = new MemoryLedger();
          const code = await codeOf(() => ledger.append(input as LedgerEntry));
          expect(['ERR_INPUT_INVALID', 'ERR_CLAIMS_INVALID', undefined]).toContain(code);
          expect(await ledger.size()).toBe(code === undefined ? 1 : 0);
        },
      ),
      { numRuns: 500 },
    );
  });
});
