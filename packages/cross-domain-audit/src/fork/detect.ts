import { bytesEqual, fromBase64Url, toBase64Url, verifyConsistency } from '@safety-net/core';
import { type VerifiedCheckpoint, verifyCheckpoint } from '../checkpoint/verify.js';
import { auError } from '../errors.js';
import type { NoteVerifier } from '../note/keys.js';
import type { OpenNoteOptions } from '../note/open.js';
import type { ForkEvidenceClaims } from './fork-evidence.js';

/** What proves two checkpoints of one log inconsistent: the claims of Fork Evidence but its envelope. */
export type ForkFinding = Pick<ForkEvidenceClaims, 'origin' | 'kind' | 'a' | 'b' | 'hashes'>;

/**
 * For checkpoints of sizes m < n: the root of the first m leaves as the size-n tree gives it (recomputed from tiles
 * verified against the size-n checkpoint), and the consistency proof from that root to the size-n root.
 */
export interface PrefixOfLarger {
  readonly root: Uint8Array;
  readonly proof: readonly Uint8Array[];
}

/** Options of {@link detectFork}. */
export interface DetectForkOptions extends OpenNoteOptions {
  /** The log's note keys. */
  readonly keys: readonly (NoteVerifier | string)[];
  readonly origin: string;
  /** For checkpoints of different sizes: what the larger tree says the smaller root is. */
  readonly prefix?: PrefixOfLarger;
}

function verified(note: string, options: DetectForkOptions): VerifiedCheckpoint {
  return verifyCheckpoint(note, options.keys, options);
}

/**
 * Compares two checkpoints of one log (spec §5.8). Both must verify with the log's keys (`verifyCheckpoint`'s
 * errors). Same size, different roots: a `same_size` fork. Sizes m < n with `prefix`: the prefix must verify
 * against the size-n root (`ERR_AU_PROOF_INVALID` otherwise, since it then proves nothing), and a prefix root other
 * than the size-m root is an `inconsistent` fork, whose `hashes` are that root then the proof. Undefined when the
 * two agree (or, for different sizes without `prefix`, when nothing can be concluded).
 */
export function detectFork(a: string, b: string, options: DetectForkOptions): ForkFinding | undefined {
  let [small, large] = [verified(a, options), verified(b, options)];
  let [first, second] = [a, b];
  if (small.size > large.size) {
    [small, large] = [large, small];
    [first, second] = [b, a];
  }
  const origin = options.origin;
  if (small.size === large.size) {
    return bytesEqual(small.rootHash, large.rootHash) ? undefined : { origin, kind: 'same_size', a: first, b: second };
  }
  const prefix = options.prefix;
  if (!prefix || small.size === 0) return undefined;
  const tied = verifyConsistency({
    size1: small.size,
    size2: large.size,
    root1: prefix.root,
    root2: large.rootHash,
    proof: prefix.proof,
  });
  if (!tied) throw auError('ERR_AU_PROOF_INVALID', 'the prefix root is not proved against the larger checkpoint');
  if (bytesEqual(prefix.root, small.rootHash)) return undefined;
  return { origin, kind: 'inconsistent', a: first, b: second, hashes: [prefix.root, ...prefix.proof].map(toBase64Url) };
}

/**
 * Checks Fork Evidence claims offline against the log's keys (spec §5.8): both checkpoints verify for the origin
 * and prove what `kind` says. `ERR_AU_FORK_DETECTED` is *not* thrown: a finding that holds is returned; one that
 * does not prove a fork is `ERR_AU_PROOF_INVALID`.
 */
export function verifyForkFinding(
  finding: ForkFinding,
  options: Omit<DetectForkOptions, 'prefix' | 'origin'>,
): ForkFinding {
  const hashes = finding.hashes?.map((h) => fromBase64Url(h));
  const prefix = hashes && { root: hashes[0]!, proof: hashes.slice(1) };
  const found = detectFork(finding.a, finding.b, { ...options, origin: finding.origin, ...(prefix ? { prefix } : {}) });
  if (found?.kind !== finding.kind) throw auError('ERR_AU_PROOF_INVALID', 'the two checkpoints do not prove a fork');
  return found;
}
