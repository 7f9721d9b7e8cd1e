import { describe, expect, it } from 'vitest';
import type { EctClaims } from '../../src/ect/claims.js';
import type { Ledger, LedgerEntry } from '../../src/ledger/index.js';

/** Two handles on one new, empty ledger, as two instances hold them (in memory, the same object twice). */
export type OpenLedger = () => Promise<readonly [Ledger, Ledger]>;

export function claims(jti: string, wid = 'w', extra: Partial<EctClaims> = {}): EctClaims {
  return { iss: 'agent', aud: 'svc', iat: 1000, exp: 1300, jti, wid, exec_act: 'act', pred: [], ...extra };
}

export function entry(jti: string, wid = 'w', extra: Partial<EctClaims> = {}): LedgerEntry {
  return { claims: claims(jti, wid, extra), format: 'cose', raw: new Uint8Array([0xd2, jti.length]) };
}

/** The stable code `run` rejects with, a description of anything else it throws, or undefined when it resolves. */
export async function codeOf(run: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await run();
  } catch (e) {
    return (e as { code?: string }).code ?? `not a SafetyNetError: ${String(e)}`;
  }
  return undefined;
}

async function all(ledger: Ledger): Promise<string[]> {
  const out: string[] = [];
  for await (const r of ledger) out.push(`${r.seq}:${r.claims.jti}`);
  return out;
}

/** The {@link Ledger} contract: every implementation runs it. */
export function describeLedger(name: string, open: OpenLedger): void {
  describe(`ledger contract: ${name}`, () => {
    it('appends, looks up by task id and by workflow, counts and iterates in append order', async () => {
      const [ledger] = await open();
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
      const [ledger, other] = await open();
      await ledger.append(entry('a', 'w1'));
      expect(await codeOf(() => ledger.append(entry('a', 'w1', { exec_act: 'other' })))).toBe('ERR_LEDGER_DUPLICATE');
      expect(await codeOf(() => other.append(entry('a', 'w2')))).toBe('ERR_LEDGER_DUPLICATE');
      expect(await ledger.size()).toBe(1);
      expect((await other.get('a'))?.claims.exec_act).toBe('act');
      expect(await ledger.byWorkflow('w2')).toEqual([]);
      // A refused duplicate leaves no gap in the order.
      expect((await other.append(entry('b'))).seq).toBe(1);
    });

    it('admits one of 20 concurrent appends of one task id; numbers concurrent appends densely', async () => {
      const [a, b] = await open();
      const codes = await Promise.all(
        Array.from({ length: 20 }, (_, i) => codeOf(() => (i % 2 ? a : b).append(entry('same', 'w', { iat: i })))),
      );
      expect(codes.filter((c) => c === undefined)).toHaveLength(1);
      expect(codes.filter((c) => c === 'ERR_LEDGER_DUPLICATE')).toHaveLength(19);
      const records = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).append(entry(`t${i}`))));
      expect(records.map((r) => r.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(await b.size()).toBe(21);
      for (const r of records) expect((await a.get(r.claims.jti))?.seq).toBe(r.seq);
    });

    it('keeps task ids and workflows exact: NUL, quotes, backslashes and lone surrogates', async () => {
      const [ledger] = await open();
      const ids = ['a\u0000b', 'a', 'x"\\', '\ud800', '\udfff', '\\u0000'];
      for (const id of ids) await ledger.append(entry(id, `w-${id}`));
      for (const [seq, id] of ids.entries()) {
        expect((await ledger.get(id))?.seq).toBe(seq);
        expect((await ledger.byWorkflow(`w-${id}`)).map((r) => r.claims.jti)).toEqual([id]);
      }
      expect(await codeOf(() => ledger.append(entry('\ud800')))).toBe('ERR_LEDGER_DUPLICATE');
    });

    it('cannot be rewritten through the appended objects or the records it hands out', async () => {
      const [ledger] = await open();
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
      const [ledger] = await open();
      const ext = JSON.parse('{"__proto__": {"polluted": true}, "pol_decision": "approved"}');
      await ledger.append(entry('a', 'w', { ect_ext: ext }));
      const stored = (await ledger.get('a'))!.claims.ect_ext!;
      expect(Object.getPrototypeOf(stored)).toBe(Object.prototype);
      expect(Object.hasOwn(stored, '__proto__')).toBe(true);
      expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    });

    it('leaves out entries appended while iterating', async () => {
      const [ledger] = await open();
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
    it('refuses malformed entries with their codes, storing nothing', async () => {
      const [ledger] = await open();
      for (const [what, input, code] of bad) {
        expect([what, await codeOf(() => ledger.append(input as LedgerEntry))]).toEqual([what, code]);
      }
      expect(await ledger.size()).toBe(0);
      expect(await all(ledger)).toEqual([]);
    });
  });
}
