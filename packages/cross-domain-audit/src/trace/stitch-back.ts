import { toBase64Url } from '@safety-net/core';
import type { CausalRecord } from './causal-order.js';

type Stitch = NonNullable<CausalRecord['claims']['stitch']>[number];

/** The relation the peer's record must carry for each side of a crossing (spec §3.2). */
const BACK: Readonly<Record<Stitch['rel'], Stitch['rel']>> = {
  causes: 'caused_by',
  caused_by: 'causes',
  same_task: 'same_task',
};

/**
 * The stitch of `peer` that answers `stitch` of a record read from log `from` (spec §6 step 2), or undefined when the
 * peer record does not stitch back (`stitch_unmatched`): the converse relation, the same ECT, and each naming the
 * other's log. When `stitch` names the peer's leaf hash (`entry`), the peer record must be that leaf.
 */
export function stitchBack(stitch: Stitch, from: string, peer: CausalRecord): Stitch | undefined {
  if (stitch.log !== peer.log) return undefined;
  if (stitch.entry !== undefined && stitch.entry !== toBase64Url(peer.leafHash)) return undefined;
  return (peer.claims.stitch ?? []).find((s) => s.rel === BACK[stitch.rel] && s.ect === stitch.ect && s.log === from);
}
