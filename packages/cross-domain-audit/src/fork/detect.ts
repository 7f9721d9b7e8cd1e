import { bytesEqual, consistencyRoots, fromBase64Url, toBase64Url, verifyConsistency } from '@safety-net/core';
import { type VerifiedCheckpoint, verifyCheckpoint } from '../checkpoint/verify.js';
import { auError } from '../errors.js';
import type { NoteVerifier } from '../note/keys.js';
import type { OpenNoteOptions } from '../note/open.js';
import type { ForkEvidenceClaims } from './fork-evidence.js';

/** What proves two checkpoints of one log inconsistent: the claims of Fork Evidence but its envelope. */
export type ForkFinding = Pick<ForkEvidenceClaims, 'origin' | 'kind' | 'a' | 'b' | 'hashes'>;

/**
 * For checkpoints of sizes m < n: the consistency proof from size m to the size-n root, as a log or its tiles give
 * it, and the root of the first m leaves as the size-n tree gives it (e.g. recomputed from tiles). Without `root`,
 * the root is the one the proof fixes (RFC 9162 §2.1.4.2); when m is a power of two the proof fixes none, and is
 * checked against the size-m root instead.
 */
export interface PrefixOfLarger {
  readonly root?: Uint8Array;
  readonly proof: readonly Uint8Array[];
}

/**
 * The root of the first `size1` leaves that `proof` fixes under the size-`size2` root, or undefined when the proof
 * does not reproduce that root (it then proves nothing). `root` is the prefix root claimed, `held` the smaller
 * checkpoint's, which seeds a power-of-two prefix when no root is claimed.
 */
export function provenPrefixRoot(
  size1: number,
  size2: number,
  root2: Uint8Array,
  prefix: PrefixOfLarger,
  held: Uint8Array,
): Uint8Array | undefined {
  if (prefix.root) {
    const { root, proof } = prefix;
    return verifyConsistency({ size1, size2, root1: root, root2, proof }) ? root : undefined;
  }
  const roots = consistencyRoots(size1, size2, prefix.proof, held);
  return roots && bytesEqual(roots.root2, root2) ? roots.root1 : undefined;
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
 * errors). Same size, different roots: a `same_size` fork. Sizes m < n with `prefix`: the proof must reproduce the
 * size-n root (`ERR_AU_PROOF_INVALID` otherwise, since it then proves nothing), and a prefix root it fixes other
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
  const root = provenPrefixRoot(small.size, large.size, large.rootHash, prefix, small.rootHash);
  if (!root) throw auError('ERR_AU_PROOF_INVALID', 'the proof does not reproduce the larger checkpoint’s root');
  if (bytesEqual(root, small.rootHash)) return undefined;
  return { origin, kind: 'inconsistent', a: first, b: second, hashes: [root, ...prefix.proof].map(toBase64Url) };
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
