import { generateKey, merkleRoot, seededRandom, utf8 } from '@safety-net/core';
import { formatCheckpoint, noteSigner, noteVerifierOf, signNote, witnessSigner } from '../src/index.js';

/** The origin of the test log. */
export const ORIGIN = 'hospital.example/audit/main';
/** The test log's note key (named for its origin) and its verifier key string. */
export const LOG = noteSigner(ORIGIN, generateKey('Ed25519', seededRandom('notes-test/log')));
export const LOG_VERIFIER = noteVerifierOf(LOG);
/** Two witnesses' cosigning keys. */
export const WITNESS_A = witnessSigner('witness-a.example', generateKey('Ed25519', seededRandom('notes-test/wa')));
export const WITNESS_B = witnessSigner('witness-b.example', generateKey('Ed25519', seededRandom('notes-test/wb')));

/** Leaves `0 … n-1` of the test tree. */
export const leaves = (n: number) => Array.from({ length: n }, (_, i) => utf8(`entry ${i}`));

/** The log's signed checkpoint of its first `n` leaves (or of other leaves, for a forked view). */
export function checkpointOf(n: number, of: Uint8Array[] = leaves(n)): string {
  return signNote(formatCheckpoint({ origin: ORIGIN, size: n, rootHash: merkleRoot(of) }), [LOG]);
}
