import { generateKey, merkleRoot, type PrivateKey, seededRandom, utf8 } from '@safety-net/core';
import { formatCheckpoint } from '../checkpoint/checkpoint-text.js';
import type { ForkEvidenceClaims } from '../fork/fork-evidence.js';
import { type NoteSigner, noteSigner } from '../note/keys.js';
import { signNote } from '../note/sign.js';
import { witnessSigner } from '../witness/cosignature.js';

/** The origin of the sample log. */
export const SAMPLE_ORIGIN = 'hospital.example/audit/main';
/** The sample log's note key, derived from a fixed seed and named for its origin. */
export const SAMPLE_LOG_SIGNER: NoteSigner = noteSigner(
  SAMPLE_ORIGIN,
  generateKey('Ed25519', seededRandom('cross-domain-audit/log-note-key')),
);
/** Two sample witnesses' cosigning keys (type 0x04), from fixed seeds. */
export const SAMPLE_WITNESS_SIGNERS: readonly NoteSigner[] = ['witness-a.example', 'witness-b.example'].map((name) =>
  witnessSigner(name, generateKey('Ed25519', seededRandom(`cross-domain-audit/${name}`))),
);
/** The key of the sample auditor that signs Fork Evidence. */
export const SAMPLE_AUDITOR_KEY: PrivateKey = {
  ...generateKey('Ed25519', seededRandom('cross-domain-audit/auditor')),
  kid: utf8('auditor-1'),
};

/** The first `n` entries of the sample log; `last` renames the last one, for a forked view. */
export function sampleEntries(n: number, last = 'entry'): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => utf8(`${i === n - 1 ? last : 'entry'} ${i}`));
}

/** The sample log's checkpoint of its first `size` entries; `last` renames the last entry, for a forked view. */
export function sampleCheckpoint(size: number, last?: string): string {
  const head = { origin: SAMPLE_ORIGIN, size, rootHash: merkleRoot(sampleEntries(size, last)) };
  return signNote(formatCheckpoint(head), [SAMPLE_LOG_SIGNER]);
}

/** Fork Evidence: the sample log showed two different trees of 4 entries. */
export const sampleForkEvidenceClaims: ForkEvidenceClaims = {
  iss: 'https://auditor.example',
  // SAMPLE_NOW, written out: samples.ts re-exports this file, so importing from it would be a cycle.
  iat: 1_772_323_200,
  jti: 'fork-0001',
  wid: 'audit-hospital-main',
  pred: [],
  origin: SAMPLE_ORIGIN,
  kind: 'same_size',
  a: sampleCheckpoint(4),
  b: sampleCheckpoint(4, 'rewritten'),
};
