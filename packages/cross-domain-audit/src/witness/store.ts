/** What a witness holds for one log: the latest checkpoint it cosigned. */
export interface WitnessState {
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** The signed checkpoint note, verbatim. */
  readonly checkpoint: string;
}

/** A request the witness kept as evidence (spec §5.3, §5.8). */
export interface WitnessEvidence {
  readonly origin: string;
  /**
   * A fork: `same_size`, two signed checkpoints of one size with different roots; `different_size`, a consistency
   * proof from the held size that reproduces the new checkpoint's root from another prefix root than the held one.
   * Not a fork: `inconsistent`, a proof that failed otherwise, which proves nothing against the log.
   */
  readonly kind: 'same_size' | 'different_size' | 'inconsistent';
  /** The checkpoint the witness held. */
  readonly a: string;
  /** The checkpoint it was asked to cosign. */
  readonly b: string;
  /**
   * The consistency proof of the request (empty for `same_size`); for `different_size`, the hashes of Fork Evidence:
   * the prefix root the proof fixes, then the proof.
   */
  readonly proof: readonly Uint8Array[];
  /** When it was kept, seconds. */
  readonly at: number;
}

/** The answer of {@link WitnessStore.advance}: done, or the state changed since it was read. */
export type AdvanceResult = { readonly ok: true } | { readonly ok: false; readonly size: number };

/**
 * A witness's durable state (spec §5.3). `advance` is a compare-and-set: it replaces the state only when it is
 * still the one read (size and root; none for a log never cosigned), and returns once the new state is durable, so
 * that two concurrent requests can never roll the witness back.
 */
export interface WitnessStore {
  latest(origin: string): Promise<WitnessState | undefined>;
  advance(origin: string, expected: WitnessState | undefined, next: WitnessState): Promise<AdvanceResult>;
  /** Keeps evidence; a fork (any kind but `inconsistent`) also stops cosigning for the origin until {@link resume}. */
  keepEvidence(evidence: WitnessEvidence): Promise<void>;
  evidence(origin: string): Promise<readonly WitnessEvidence[]>;
  /** True while cosigning for the origin is stopped by a fork. */
  halted(origin: string): Promise<boolean>;
  /** An operator's decision after a fork: cosign the origin again. */
  resume(origin: string): Promise<void>;
}
