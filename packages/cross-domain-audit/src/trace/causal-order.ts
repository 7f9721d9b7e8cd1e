import { compareBytes } from '@safety-net/core/internal';
import type { EatDisclosedClaims } from '../messages/eat.js';

/** What the causal order reads of a verified record: its claims as disclosed, its log's origin and leaf hash. */
export interface CausalRecord {
  readonly claims: Pick<EatDisclosedClaims, 'iat' | 'pred' | 'ect' | 'time' | 'stitch'>;
  readonly log: string;
  readonly leafHash: Uint8Array;
}

/** Ties between records that causality does not order: `time.start`, then `iat`, then the leaf hash (spec §6). */
function byTime(a: CausalRecord, b: CausalRecord): number {
  return (
    a.claims.time.start - b.claims.time.start || a.claims.iat - b.claims.iat || compareBytes(a.leafHash, b.leafHash)
  );
}

/** Each record's causes, as indices: records whose audited ECT it names in `pred`, and matched `causes` stitches. */
function causesOf(records: readonly CausalRecord[]): number[][] {
  const byEct = new Map<string, number[]>();
  records.forEach((r, i) => {
    const held = byEct.get(r.claims.ect.jti);
    if (held) held.push(i);
    else byEct.set(r.claims.ect.jti, [i]);
  });
  // A `causes` stitch of the sender matches the receiver's `caused_by` for the same ECT, each naming the other's
  // log (the origin the record was fetched from: a domain's name in `iss` and in `domain` need not be spelled alike).
  const senders = new Map<string, number[]>();
  records.forEach((r, i) => {
    for (const s of r.claims.stitch ?? []) {
      if (s.rel !== 'causes') continue;
      const key = `${s.ect}\n${s.log}`;
      const held = senders.get(key);
      if (held) held.push(i);
      else senders.set(key, [i]);
    }
  });
  return records.map((r, i) => {
    const causes = new Set<number>();
    for (const jti of r.claims.pred.slice(1)) for (const c of byEct.get(jti) ?? []) causes.add(c);
    for (const s of r.claims.stitch ?? []) {
      if (s.rel !== 'caused_by') continue;
      for (const c of senders.get(`${s.ect}\n${r.log}`) ?? []) if (records[c]!.log === s.log) causes.add(c);
    }
    causes.delete(i);
    return [...causes].sort((a, b) => byTime(records[a]!, records[b]!));
  });
}

/**
 * The causal order of a workflow's records (spec §6 step 3), as indices into `records`: the records taken by
 * `time.start`, `iat` and leaf hash, each preceded by those of its causes not yet placed (depth first, causes in
 * the same order). Every record comes after its causes; a cycle, which only contradictory records can make, is cut
 * at the edge that would close it. O(n log n + e), iterative so that a long chain cannot exhaust the stack.
 */
export function causalOrder(records: readonly CausalRecord[]): number[] {
  const causes = causesOf(records);
  const state = new Uint8Array(records.length); // 0 unplaced, 1 on the path being placed, 2 placed
  const order: number[] = [];
  const roots = records.map((_, i) => i).sort((a, b) => byTime(records[a]!, records[b]!));
  for (const root of roots) {
    if (state[root] !== 0) continue;
    const stack: { node: number; next: number }[] = [{ node: root, next: 0 }];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const list = causes[top.node]!;
      if (top.next < list.length) {
        const cause = list[top.next++]!;
        if (state[cause] === 0) {
          state[cause] = 1;
          stack.push({ node: cause, next: 0 });
        }
        continue;
      }
      stack.pop();
      state[top.node] = 2;
      order.push(top.node);
    }
  }
  return order;
}
