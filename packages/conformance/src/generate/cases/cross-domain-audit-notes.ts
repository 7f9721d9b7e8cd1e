/**
 * Vectors of the signed notes, checkpoints, cosignatures and Fork Evidence of @safety-net/cross-domain-audit
 * (cross-domain-audit.md §5.2, §5.3, §5.8): `au-note-sign` and `au-note` from the published examples of
 * golang.org/x/mod/sumdb/note and C2SP `signed-note`, and from the package's sample log and witnesses; then the
 * `message-verify` vectors of `au-fork`, and `au-fork` vectors checking Fork Evidence between sizes.
 */
import { consistencyProof, merkleRoot, toBase64Url, utf8 } from '@safety-net/core';
import {
  COSIGNATURE_V1,
  cosignatureLine,
  forkEvidence,
  formatAddCheckpoint,
  formatCheckpoint,
  formatSignerKey,
  formatVerifierKey,
  noteVerifierOf,
  parseNote,
  signNote,
  TLOG_SIZE_MEDIA_TYPE,
} from '@safety-net/cross-domain-audit';
import {
  SAMPLE_LOG_SIGNER,
  SAMPLE_ORIGIN,
  SAMPLE_WITNESS_SIGNERS,
  sampleCheckpoint,
  sampleEntries,
  sampleForkEvidenceClaims,
} from '@safety-net/cross-domain-audit/testing';
import type { Vector } from '../../format.js';
import { invalid, KEYS, NOW, vector } from '../common.js';
import { messageVerifyVector, refused, uncheckedCose, validCose, validJws } from '../messages.js';

const PKG = 'cross-domain-audit';
const SECTION = 'cross-domain-audit.md';

// Published example data of golang.org/x/mod/sumdb/note (package documentation and note_test.go).
const GO = {
  vkey: 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
  skey: 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz',
  enochVkey: 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop',
  text: "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n",
  peterSig:
    '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n',
  enochSig:
    '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n',
};
// The example of the C2SP signed-note specification.
const C2SP = {
  vkey: 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k',
  note: 'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n',
};

const LOG_VKEY = formatVerifierKey(noteVerifierOf(SAMPLE_LOG_SIGNER));
const [WA, WB] = SAMPLE_WITNESS_SIGNERS as [(typeof SAMPLE_WITNESS_SIGNERS)[0], (typeof SAMPLE_WITNESS_SIGNERS)[0]];
const witnessVkey = (w: typeof WA) => formatVerifierKey(noteVerifierOf(w));
const CHECKPOINT = sampleCheckpoint(4);
const TEXT = parseNote(CHECKPOINT).text;

const au = <I, O, E>(v: Parameters<typeof vector<I, O, E>>[0]): Vector => ({ ...vector(v), package: PKG });

type Signer = { name: string; key_id: string; type: number; timestamp: number };
const signer = (name: string, keyId: number, type = 1, timestamp = 0): Signer => ({
  name,
  key_id: keyId.toString(16).padStart(8, '0'),
  type,
  timestamp,
});

function noteVector(
  id: string,
  description: string,
  note: string,
  keys: string[],
  expected: object,
  options: object = {},
): Vector {
  return au({ id, description, kind: 'au-note', input: { note, verifier_keys: keys }, options, expected });
}

function signVectors(): Vector[] {
  const cosignedText = CHECKPOINT;
  return [
    au({
      id: 'note-sign-go',
      description: `The signer key, note and verifier key of Go's sumdb/note example, byte for byte (${SECTION} §5.2).`,
      kind: 'au-note-sign',
      input: { signer_key: GO.skey, text: GO.text },
      options: {},
      expected: { result: 'valid', note: `${GO.text}\n${GO.peterSig}`, verifier_key: GO.vkey },
    }),
    au({
      id: 'checkpoint-ours',
      description: `Our log's checkpoint of a fixed 4-entry tree, with the log's key strings (${SECTION} §5.2).`,
      kind: 'au-note-sign',
      input: { signer_key: formatSignerKey(SAMPLE_LOG_SIGNER), text: TEXT },
      options: {},
      expected: { result: 'valid', note: CHECKPOINT, verifier_key: LOG_VKEY },
    }),
    au({
      id: 'cosignature-v1',
      description: `A witness's cosignature/v1 line (key ID, timestamp, Ed25519) appended to the checkpoint (${SECTION} §5.3).`,
      kind: 'au-note-sign',
      input: { signer_key: formatSignerKey(WA), text: cosignedText, timestamp: NOW },
      options: {},
      expected: {
        result: 'valid',
        note: signNote(cosignedText, [WA], { timestamp: NOW }),
        verifier_key: witnessVkey(WA),
      },
    }),
  ];
}

function verifyVectors(): Vector[] {
  const goNote = `${GO.text}\n${GO.peterSig}${GO.enochSig}`;
  const goText = { result: 'valid', text: GO.text };
  const cosigned = signNote(signNote(CHECKPOINT, [WA], { timestamp: NOW - 60 }), [WB], { timestamp: NOW });
  const policy = {
    log: { origin: SAMPLE_ORIGIN, keys: [LOG_VKEY] },
    witnesses: [WA, WB].map((w) => ({ name: w.name, key: witnessVkey(w) })),
    quorum: 2,
  };
  const root = { origin: SAMPLE_ORIGIN, size: 4, root_hash: TEXT.split('\n')[2] };
  const leadingZero = signNote(`${SAMPLE_ORIGIN}\n04\n${TEXT.split('\n')[2]}\n`, [SAMPLE_LOG_SIGNER]);
  const otherOrigin = signNote(
    formatCheckpoint({ origin: 'clinic.example/audit/main', size: 1, rootHash: merkleRoot([utf8('x')]) }),
    [SAMPLE_LOG_SIGNER],
  );
  return [
    noteVector(
      'note-from-go',
      `A note signed by Go's sumdb/note, two known signers (${SECTION} §5.2).`,
      goNote,
      [GO.vkey, GO.enochVkey],
      {
        ...goText,
        signers: [signer('PeterNeumann', 0xc74f20a3), signer('EnochRoot', 0xaf0cfe78)],
      },
    ),
    noteVector(
      'note-c2sp-example',
      `The example note of the C2SP signed-note specification (${SECTION} §5.2).`,
      C2SP.note,
      [C2SP.vkey],
      {
        result: 'valid',
        text: 'This is an example message.\n',
        signers: [signer('example.com/foo', 0x530d903a)],
      },
    ),
    noteVector(
      'note-unknown-key-ignored',
      `A signature by a key not among the verifiers is ignored (${SECTION} §5.2).`,
      goNote,
      [GO.vkey],
      {
        ...goText,
        signers: [signer('PeterNeumann', 0xc74f20a3)],
      },
    ),
    noteVector(
      'note-known-key-bad-signature',
      `Go's corrupted signature (note_test.go) by a known key fails the whole note (${SECTION} §5.2).`,
      `${GO.text}\n${GO.peterSig.slice(0, 60)}ABCD${GO.peterSig.slice(60)}`,
      [GO.vkey],
      invalid('ERR_AU_NOTE_BAD_SIGNATURE'),
    ),
    noteVector(
      'note-no-known-key',
      `No signature by a known key (${SECTION} §5.2).`,
      goNote,
      [C2SP.vkey],
      invalid('ERR_AU_NOTE_UNVERIFIED'),
    ),
    noteVector(
      'note-no-em-dash',
      `A signature line starting with "-" instead of U+2014 (${SECTION} §5.2).`,
      `${GO.text}\n${GO.peterSig.replace('—', '-')}`,
      [GO.vkey],
      invalid('ERR_AU_NOTE_MALFORMED'),
    ),
    noteVector(
      'note-too-many-signatures',
      `33 signature lines: one over the limit of 32 (${SECTION} §5.2, §9).`,
      `${GO.text}\n${GO.peterSig.repeat(33)}`,
      [GO.vkey],
      invalid('ERR_AU_NOTE_MALFORMED'),
    ),
    noteVector(
      'checkpoint-verified',
      `Our checkpoint verified for its origin: size and root (${SECTION} §5.2).`,
      CHECKPOINT,
      [LOG_VKEY],
      { result: 'valid', text: TEXT, signers: [signer(SAMPLE_ORIGIN, SAMPLE_LOG_SIGNER.keyId)], checkpoint: root },
      { origin: SAMPLE_ORIGIN },
    ),
    noteVector(
      'checkpoint-leading-zero',
      `A signed checkpoint whose size is written 04 (${SECTION} §5.2).`,
      leadingZero,
      [LOG_VKEY],
      invalid('ERR_AU_CHECKPOINT_MALFORMED'),
      { origin: SAMPLE_ORIGIN },
    ),
    noteVector(
      'checkpoint-wrong-origin',
      `A checkpoint signed by the log's key for another origin (${SECTION} §5.2).`,
      otherOrigin,
      [LOG_VKEY],
      invalid('ERR_AU_ORIGIN_MISMATCH'),
      { origin: SAMPLE_ORIGIN },
    ),
    noteVector(
      'cosignature-quorum-met',
      `A checkpoint cosigned by both witnesses of a 2-of-2 policy (${SECTION} §5.3).`,
      cosigned,
      [LOG_VKEY, witnessVkey(WA), witnessVkey(WB)],
      {
        result: 'valid',
        text: TEXT,
        signers: [
          signer(SAMPLE_ORIGIN, SAMPLE_LOG_SIGNER.keyId),
          signer(WA.name, WA.keyId, COSIGNATURE_V1, NOW - 60),
          signer(WB.name, WB.keyId, COSIGNATURE_V1, NOW),
        ],
        checkpoint: root,
      },
      { policy },
    ),
    noteVector(
      'cosignature-quorum-short',
      `One of the two cosignatures a 2-of-2 policy requires (${SECTION} §5.3).`,
      signNote(CHECKPOINT, [WA], { timestamp: NOW }),
      [LOG_VKEY, witnessVkey(WA)],
      invalid('ERR_AU_COSIGNATURE_QUORUM'),
      { policy },
    ),
  ];
}

/** `au-witness` vectors: one `add-checkpoint` request to a witness holding the sample log's checkpoint of 4. */
function witnessVectors(): Vector[] {
  const held = sampleCheckpoint(4);
  const base = {
    witness_key: formatSignerKey(WA),
    logs: [{ origin: SAMPLE_ORIGIN, keys: [LOG_VKEY] }],
  };
  // Answers as spec §5.3 writes them: a cosignature line at `now`, a size, or the code as JSON.
  const cosigned = (checkpoint: string) => ({
    status: 200,
    content_type: 'text/plain; charset=utf-8',
    body: `${cosignatureLine(WA, parseNote(checkpoint).text, NOW)}\n`,
  });
  const size = (n: number) => ({ status: 409, content_type: TLOG_SIZE_MEDIA_TYPE, body: `${n}\n` });
  const refusal = (status: number, code: string) => ({
    status,
    content_type: 'application/json',
    body: JSON.stringify({ code }),
  });
  const cases: [string, string, string | null, string, object, string[]][] = [
    [
      'witness-first-checkpoint',
      'Old size 0, no proof: cosigned',
      null,
      formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: held }),
      cosigned(held),
      [],
    ],
    [
      'witness-consistent-advance',
      'From 4 to 6 with a consistency proof that verifies: cosigned',
      held,
      formatAddCheckpoint({
        oldSize: 4,
        proof: consistencyProof(sampleEntries(6), 4),
        checkpoint: sampleCheckpoint(6),
      }),
      cosigned(sampleCheckpoint(6)),
      [],
    ],
    [
      'witness-old-size-mismatch',
      'Old size 0 while the witness holds 4: 409 with its size',
      held,
      formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: sampleCheckpoint(6) }),
      size(4),
      [],
    ],
    [
      'witness-same-size-other-root',
      'Another root at the size the witness holds: 409, and the pair kept as fork evidence',
      held,
      formatAddCheckpoint({ oldSize: 4, proof: [], checkpoint: sampleCheckpoint(4, 'rewritten') }),
      size(4),
      ['same_size'],
    ],
    [
      'witness-bad-consistency-proof',
      'A consistency proof with one flipped bit: 422, the request kept',
      held,
      formatAddCheckpoint({
        oldSize: 4,
        proof: consistencyProof(sampleEntries(6), 4).map((h, i) =>
          i === 0 ? h.map((b, j) => (j === 0 ? b ^ 1 : b)) : h,
        ),
        checkpoint: sampleCheckpoint(6),
      }),
      refusal(422, 'ERR_AU_PROOF_INVALID'),
      ['inconsistent'],
    ],
    [
      'witness-unknown-origin',
      'A checkpoint of a log the witness is not configured for: 404',
      held,
      formatAddCheckpoint({
        oldSize: 0,
        proof: [],
        checkpoint: signNote(
          formatCheckpoint({ origin: 'clinic.example/audit/main', size: 1, rootHash: merkleRoot([utf8('x')]) }),
          [SAMPLE_LOG_SIGNER],
        ),
      }),
      refusal(404, 'ERR_AU_WITNESS_UNKNOWN_LOG'),
      [],
    ],
    [
      'witness-unsigned',
      'A checkpoint signed only by a key the witness does not trust for the origin: 403',
      held,
      formatAddCheckpoint({ oldSize: 4, proof: [], checkpoint: signNote(TEXT, [WB], { timestamp: NOW }) }),
      refusal(403, 'ERR_AU_NOTE_UNVERIFIED'),
      [],
    ],
  ];
  return cases.map(([id, what, h, request, answer, evidence]) =>
    au({
      id,
      description: `${what} (${SECTION} §5.3).`,
      kind: 'au-witness',
      input: { ...base, held: h, request },
      options: {},
      expected: { result: 'valid', ...answer, evidence },
    }),
  );
}

/** `message-verify` vectors of Fork Evidence. */
function forkVectors(): Vector[] {
  const { ed25519 } = KEYS;
  return [
    validCose(forkEvidence, sampleForkEvidenceClaims, ed25519, {
      id: 'fork-same-size',
      description: `Fork Evidence: two checkpoints of one size with different roots (${SECTION} §5.8).`,
    }),
    validJws(forkEvidence, sampleForkEvidenceClaims, ed25519, {
      id: 'fork-same-size-jwt',
      description: `The same Fork Evidence in JWT form (${SECTION} §5.8, core.md §6.9).`,
    }),
    refused(
      forkEvidence,
      uncheckedCose(forkEvidence, { ...sampleForkEvidenceClaims, hashes: [toBase64Url(new Uint8Array(32))] }, ed25519),
      ed25519,
      {
        id: 'fork-same-size-with-hashes',
        description: `same_size evidence carrying hashes (${SECTION} §5.8).`,
        error: 'ERR_CLAIMS_INVALID',
      },
    ),
  ].map((c) => messageVerifyVector(PKG, c));
}

/**
 * `au-fork` vectors of a fork between sizes: the sample log showed one party 3 entries whose last was rewritten and
 * another the 6 entries of the sample tree. The honest consistency proof of the 6-entry tree from size 3 fixes the
 * root of its own first 3 entries, which is not the root shown as size 3.
 */
function forkBetweenSizesVectors(): Vector[] {
  const six = sampleEntries(6);
  const small = sampleCheckpoint(3, 'rewritten');
  const large = sampleCheckpoint(6);
  const prefixRoot = merkleRoot(six.slice(0, 3));
  const finding = (hashes: Uint8Array[], a = small) => ({
    origin: SAMPLE_ORIGIN,
    kind: 'inconsistent',
    a,
    b: large,
    hashes: hashes.map(toBase64Url),
    log_keys: [LOG_VKEY],
  });
  const fork = (id: string, description: string, input: object, expected: object) =>
    au({ id, description, kind: 'au-fork', input, options: {}, expected });
  return [
    fork(
      'fork-different-sizes',
      `Fork Evidence between sizes 3 and 6: the proof reproduces the larger root from a prefix root the smaller checkpoint does not have (${SECTION} §5.8).`,
      finding([prefixRoot, ...consistencyProof(six, 3)]),
      { result: 'valid', kind: 'inconsistent' },
    ),
    fork(
      'fork-different-sizes-unproven',
      `The proof of another 6-entry tree does not reproduce the larger checkpoint's root: it proves nothing (${SECTION} §5.8).`,
      // Another tree of 6 entries whose last differs: the same first 3, a proof to another root.
      finding([prefixRoot, ...consistencyProof(sampleEntries(6, 'other'), 3)]),
      { result: 'invalid', error: 'ERR_AU_PROOF_INVALID' },
    ),
    fork(
      'fork-different-sizes-consistent',
      `An honest smaller checkpoint whose root is the prefix root the proof fixes: no fork (${SECTION} §5.8).`,
      finding([prefixRoot, ...consistencyProof(six, 3)], sampleCheckpoint(3)),
      { result: 'invalid', error: 'ERR_AU_PROOF_INVALID' },
    ),
  ];
}

/** Every vector of the notes, checkpoints, cosignatures and Fork Evidence. */
export function crossDomainAuditNoteVectors(): Vector[] {
  return [...signVectors(), ...verifyVectors(), ...witnessVectors(), ...forkVectors(), ...forkBetweenSizesVectors()];
}
