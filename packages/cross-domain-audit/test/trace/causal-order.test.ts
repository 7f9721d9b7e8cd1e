import { sha256 } from '@noble/hashes/sha2.js';
import { utf8 } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { type CausalRecord, causalOrder } from '../../src/trace/causal-order.js';

const HOSPITAL = 'log.hospital.example/audit';
const PHARMACY = 'log.pharmacy.example/audit';

type Stitch = NonNullable<CausalRecord['claims']['stitch']>[number];

/** A record auditing ECT `ect` whose predecessors are `pred`, started at `start`. */
function record(
  ect: string,
  pred: string[],
  start: number,
  options: { log?: string; iat?: number; stitch?: Stitch[]; leaf?: string } = {},
): CausalRecord {
  return {
    claims: {
      iat: options.iat ?? start + 10,
      pred: [ect, ...pred],
      ect: { jti: ect, wid: 'wf-1', iss: 'agent', digest: 'x' },
      time: { start },
      stitch: options.stitch,
    },
    log: options.log ?? HOSPITAL,
    leafHash: sha256(utf8(options.leaf ?? ect)),
  };
}

const names = (records: CausalRecord[]) => causalOrder(records).map((i) => records[i]!.claims.ect.jti);

describe('the causal order of a workflow', () => {
  it('puts every record after the records of the ECTs it names in pred, whatever their times', () => {
    const records = [record('c', ['b'], 100), record('b', ['a'], 300), record('a', [], 200), record('z', [], 150)];
    // c starts first, so it is placed first with its causes before it: a, b, then c; z last by its time.
    expect(names(records)).toEqual(['a', 'b', 'c', 'z']);
  });

  it('orders a stitch pair sender first when each names the other log, and not otherwise', () => {
    const sent = { rel: 'causes', domain: 'pharmacy.example', log: PHARMACY, ect: 'x' } as const;
    const back = { rel: 'caused_by', domain: 'hospital.example', log: HOSPITAL, ect: 'x' } as const;
    const sender = record('x', [], 200, { stitch: [sent] });
    const receiver = record('r', [], 100, { log: PHARMACY, stitch: [back] });
    expect(names([receiver, sender])).toEqual(['x', 'r']);
    const elsewhere = record('r', [], 100, { log: 'log.other.example/audit', stitch: [back] });
    expect(names([elsewhere, sender])).toEqual(['r', 'x']);
    const otherEct = record('r', [], 100, { log: PHARMACY, stitch: [{ ...back, ect: 'y' }] });
    expect(names([otherEct, sender])).toEqual(['r', 'x']);
  });

  it('breaks ties by time.start, then iat, then leaf hash', () => {
    const records = [
      record('late', [], 300),
      record('iat-later', [], 100, { iat: 120 }),
      record('iat-earlier', [], 100, { iat: 110 }),
    ];
    expect(names(records)).toEqual(['iat-earlier', 'iat-later', 'late']);
    const [p, q] = [record('p', [], 100, { iat: 110, leaf: 'p' }), record('q', [], 100, { iat: 110, leaf: 'q' })];
    const byLeaf = Buffer.compare(p.leafHash, q.leafHash) < 0 ? ['p', 'q'] : ['q', 'p'];
    expect(names([p, q])).toEqual(byLeaf);
    expect(names([q, p])).toEqual(byLeaf);
  });

  it('places each record once when contradictory records make a cycle, the same way for any input order', () => {
    const records = [record('a', ['b'], 100), record('b', ['a'], 200), record('c', ['a'], 50)];
    const order = names(records);
    expect([...order].sort()).toEqual(['a', 'b', 'c']);
    expect(names([...records].reverse())).toEqual(order);
  });

  it('orders a chain of 100,000 records without exhausting the stack', () => {
    const n = 100_000;
    const records = Array.from({ length: n }, (_, i) => record(`t${i}`, i === 0 ? [] : [`t${i - 1}`], n - i));
    const started = performance.now();
    const order = causalOrder(records);
    const ms = performance.now() - started;
    expect(order).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(ms).toBeLessThan(5_000);
  });
});
