import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOfAsync } from '../../../../test-support/codes.js';
import type { EctClaims } from '../../src/ect/claims.js';
import { type Ledger, type LedgerEntry, MemoryLedger } from '../../src/ledger/index.js';

function claims(jti: string, wid = 'w', extra: Partial<EctClaims> = {}): EctClaims {
  return { iss: 'agent', aud: 'svc', iat: 1000, exp: 1300, jti, wid, exec_act: 'act', pred: [], ...extra };
}

function entry(jti: string, wid = 'w', extra: Partial<EctClaims> = {}): LedgerEntry {
  return { claims: claims(jti, wid, extra), format: 'cose', raw: new Uint8Array([0xd2, jti.length]) };
}

async function all(ledger: Ledger): Promise<string[]> {
  const out: string[] = [];
  for await (const r of ledger) out.push(`${r.seq}:${r.claims.jti}`);
  return out;
}

describe('MemoryLedger', () => {
  it('appends, looks up by task id and by workflow, counts and iterates in append order', async () => {
    const ledger: Ledger = new MemoryLedger();
    const first = await ledger.append(entry('a', 'w1'));
    expect(first).toMatchObject({ seq: 0, format: 'cose', claims: { jti: 'a' } });
    await ledger.append(entry('b', 'w2'));
    await ledger.append({ ...entry('c', 'w1'), format: 'jws', raw: new TextEncoder().encode('h.p.s') });
    expect(await ledger.size()).toBe(3);
    expect((await ledger.get('c'))?.format).toBe('jws');
    expect(new TextDecoder().decode((await ledger.get('c'))?.raw)).toBe('h.p.s');
    expect(await ledger.get('zz')).toBeUndefined();
    expect((await ledger.byWorkflow('w1')).map((r) => r.claims.jti)).toEqual(['a', 'c']);
    expect(await ledger.byWorkflow('none')).toEqual([]);
    expect(await all(ledger)).toEqual(['0:a', '1:b', '2:c']);
  });

  it('refuses a second entry with the same task id, in any workflow, and keeps the first', async () => {
    const ledger = new MemoryLedger();
    await ledger.append(entry('a', 'w1'));
    expect(await codeOfAsync(() => ledger.append(entry('a', 'w1', { exec_act: 'other' })))).toBe(
      'ERR_LEDGER_DUPLICATE',
    );
    expect(await codeOfAsync(() => ledger.append(entry('a', 'w2')))).toBe('ERR_LEDGER_DUPLICATE');
    expect(await ledger.size()).toBe(1);
    expect((await ledger.get('a'))?.claims.exec_act).toBe('act');
    expect(await ledger.byWorkflow('w2')).toEqual([]);
  });

  it('cannot be rewritten through the appended objects or the records it hands out', async () => {
    const ledger = new MemoryLedger();
    const input = entry('a', 'w', { ect_ext: { pol_decision: 'approved', nested: { list: [1, 2] } }, pred: [] });
    await ledger.append(input);
    // The caller keeps mutating its own objects…
    (input.claims as { exec_act: string }).exec_act = 'forged';
    (input.claims.ect_ext as { nested: { list: number[] } }).nested.list.push(3);
    input.raw[0] = 0;
    const record = (await ledger.get('a'))!;
    expect(record.claims.exec_act).toBe('act');
    expect(record.claims.ect_ext).toEqual({ pol_decision: 'approved', nested: { list: [1, 2] } });
    expect(record.raw[0]).toBe(0xd2);
    // …and the records are frozen, their bytes a fresh copy every time.
    expect(Object.isFrozen(record)).toBe(true);
    expect(() => {
      (record.claims as { jti: string }).jti = 'b';
    }).toThrow(TypeError);
    expect(() => {
      ((record.claims.ect_ext as { nested: { list: number[] } }).nested.list as number[]).push(9);
    }).toThrow(TypeError);
    record.raw[0] = 0;
    expect((await ledger.get('a'))!.raw[0]).toBe(0xd2);
    expect((await ledger.byWorkflow('w'))[0]!.raw[0]).toBe(0xd2);
  });

  it('keeps a "__proto__" key as data, without touching any prototype', async () => {
    const ledger = new MemoryLedger();
    const ext = JSON.parse('{"__proto__": {"polluted": true}, "pol_decision": "approved"}');
    await ledger.append(entry('a', 'w', { ect_ext: ext }));
    const stored = (await ledger.get('a'))!.claims.ect_ext!;
    expect(Object.getPrototypeOf(stored)).toBe(Object.prototype);
    expect(Object.hasOwn(stored, '__proto__')).toBe(true);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('leaves out entries appended while iterating', async () => {
    const ledger = new MemoryLedger();
    await ledger.append(entry('a'));
    await ledger.append(entry('b'));
    const seen: string[] = [];
    let n = 0;
    for await (const r of ledger) {
      seen.push(r.claims.jti);
      await ledger.append(entry(`late${n++}`));
    }
    expect(seen).toEqual(['a', 'b']);
    expect(await ledger.size()).toBe(4);
  });

  it('copies deeply nested extension data without recursion', async () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    const ledger = new MemoryLedger();
    expect(await codeOfAsync(() => ledger.append(entry('deep', 'w', { ect_ext: { deep } })))).toBe('no error');
  });

  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const getter = Object.defineProperty({}, 'x', {
    enumerable: true,
    get() {
      throw new Error('boom');
    },
  });
  const bad: Array<[string, unknown, string]> = [
    ['null', null, 'ERR_INPUT_INVALID'],
    ['a string', 'entry', 'ERR_INPUT_INVALID'],
    ['an unknown format', { ...entry('a'), format: 'xml' }, 'ERR_INPUT_INVALID'],
    ['raw as a string', { ...entry('a'), raw: 'bytes' }, 'ERR_INPUT_INVALID'],
    ['raw as a plain array', { ...entry('a'), raw: [1, 2] }, 'ERR_INPUT_INVALID'],
    ['claims missing', { format: 'cose', raw: new Uint8Array() }, 'ERR_CLAIMS_INVALID'],
    ['claims without jti', { ...entry('a'), claims: { ...claims('a'), jti: undefined } }, 'ERR_CLAIMS_INVALID'],
    ['claims with an unknown claim', { ...entry('a'), claims: { ...claims('a'), extra: 1 } }, 'ERR_CLAIMS_INVALID'],
    ['a function in ect_ext', entry('a', 'w', { ect_ext: { f: () => 1 } }), 'ERR_CLAIMS_INVALID'],
    ['a cycle in ect_ext', entry('a', 'w', { ect_ext: cyclic }), 'ERR_CLAIMS_INVALID'],
    ['Infinity in ect_ext', entry('a', 'w', { ect_ext: { n: Number.POSITIVE_INFINITY } }), 'ERR_CLAIMS_INVALID'],
    ['a Date in ect_ext', entry('a', 'w', { ect_ext: { d: new Date(0) } }), 'ERR_CLAIMS_INVALID'],
    ['a throwing getter in ect_ext', entry('a', 'w', { ect_ext: getter }), 'ERR_CLAIMS_INVALID'],
  ];
  for (const [name, input, code] of bad) {
    it(`refuses ${name} with ${code}, storing nothing`, async () => {
      const ledger = new MemoryLedger();
      expect(await codeOfAsync(() => ledger.append(input as LedgerEntry))).toBe(code);
      expect(await ledger.size()).toBe(0);
    });
  }

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
          const code = await codeOfAsync(() => ledger.append(input as LedgerEntry));
          expect(['ERR_INPUT_INVALID', 'ERR_CLAIMS_INVALID', 'no error']).toContain(code);
          expect(await ledger.size()).toBe(code === 'no error' ? 1 : 0);
        },
      ),
      { numRuns: 500 },
    );
  });
});
