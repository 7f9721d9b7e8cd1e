import { bytesEqual, type Clock, isSafetyNetError } from '@safety-net/core';
import { type VerifiedCheckpoint, verifyCheckpoint } from '../checkpoint/verify.js';
import { detectFork, type ForkFinding, type PrefixOfLarger } from '../fork/detect.js';
import { type CosignedCheckpoint, verifyCosigned, type WitnessPolicy } from '../witness/policy.js';

/** Why a checkpoint met in a trace is not relied on (spec §6 step 4). */
export type CheckpointGap =
  | { readonly kind: 'checkpoint_unwitnessed'; readonly log: string; readonly code: 'ERR_AU_COSIGNATURE_QUORUM' }
  | { readonly kind: 'proof_failed'; readonly log: string; readonly code: string };

/** A checkpoint the trace relies on, or the gap that says why not. */
export type CheckpointOutcome =
  | { readonly ok: true; readonly checkpoint: CosignedCheckpoint }
  | { readonly ok: false; readonly gap: CheckpointGap };

/**
 * Every checkpoint a trace meets, per log: each is checked against its log's witness policy, and any two signed by
 * the log with the same size and different roots are kept as a fork (spec §5.8); so is a smaller one whose root is
 * not the prefix root the larger tree's tiles prove ({@link compareSmaller}). A fork needs only the log's
 * signatures, so an unwitnessed checkpoint still counts towards one.
 */
export class CheckpointLedger {
  private readonly seen = new Map<string, { note: string; checkpoint: VerifiedCheckpoint }[]>();
  private readonly found: ForkFinding[] = [];

  constructor(
    private readonly policies: ReadonlyMap<string, WitnessPolicy>,
    private readonly clock: Clock,
  ) {}

  /** The forks found so far, each once. */
  get forks(): readonly ForkFinding[] {
    return this.found;
  }

  /** Checks a checkpoint of log `origin` (whose policy must be held) and remembers it for fork detection. */
  accept(origin: string, note: string): CheckpointOutcome {
    const policy = this.policies.get(origin);
    if (!policy) return { ok: false, gap: { kind: 'proof_failed', log: origin, code: 'ERR_AU_CONFIG_INVALID' } };
    let signed: VerifiedCheckpoint;
    try {
      signed = verifyCheckpoint(note, policy.log.keys, { origin });
    } catch (e) {
      return { ok: false, gap: { kind: 'proof_failed', log: origin, code: codeOf(e) } };
    }
    this.remember(origin, note, signed, policy);
    try {
      return { ok: true, checkpoint: verifyCosigned(note, policy, { clock: this.clock }) };
    } catch (e) {
      const code = codeOf(e);
      if (code === 'ERR_AU_COSIGNATURE_QUORUM')
        return { ok: false, gap: { kind: 'checkpoint_unwitnessed', log: origin, code } };
      return { ok: false, gap: { kind: 'proof_failed', log: origin, code } };
    }
  }

  /**
   * Compares the checkpoints met of sizes below `head`'s (a checkpoint of `origin` accepted, its note and size) with the prefix
   * root the tree of `head` proves for each size (`prefixOf`, read from that tree's tiles), keeping each fork found.
   * The gap when the tiles do not reproduce `head`'s root or cannot be read: `proof_failed` with its code.
   */
  async compareSmaller(
    origin: string,
    head: { readonly note: string; readonly size: number },
    prefixOf: (size: number) => Promise<PrefixOfLarger>,
  ): Promise<CheckpointGap | undefined> {
    const held = this.seen.get(origin) ?? [];
    const keys = this.policies.get(origin)!.log.keys;
    for (const smaller of held.filter((h) => h.checkpoint.size > 0 && h.checkpoint.size < head.size)) {
      try {
        const prefix = await prefixOf(smaller.checkpoint.size);
        const finding = detectFork(smaller.note, head.note, { keys, origin, prefix });
        if (finding) this.found.push(finding);
      } catch (e) {
        // A tile that could not be fetched is no answer, as for the trace's other reads.
        return { kind: 'proof_failed', log: origin, code: isSafetyNetError(e) ? e.code : 'ERR_INPUT_INVALID' };
      }
    }
    return undefined;
  }

  private remember(origin: string, note: string, signed: VerifiedCheckpoint, policy: WitnessPolicy): void {
    const held = this.seen.get(origin) ?? [];
    const sameSize = held.filter((h) => h.checkpoint.size === signed.size);
    if (sameSize.some((h) => bytesEqual(h.checkpoint.rootHash, signed.rootHash))) return;
    // One finding per pair of different roots: the first checkpoint of that size against this one.
    const first = sameSize[0];
    if (first) {
      const finding = detectFork(first.note, note, { keys: policy.log.keys, origin });
      if (finding) this.found.push(finding);
    }
    held.push({ note, checkpoint: signed });
    this.seen.set(origin, held);
  }
}

function codeOf(e: unknown): string {
  if (isSafetyNetError(e)) return e.code;
  throw e;
}
