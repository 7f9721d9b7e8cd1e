/**
 * The `au-log` vectors of `cross-domain-audit.md` §13: entry bytes and leaf hashes, log forms, tile paths, inclusion
 * proofs of a 70,000-entry tree and their refusals, a `tlog-proof@v1` text, an RFC 9942 receipt, proof bundles.
 */
import { createHash } from 'node:crypto';
import {
  algorithmByName,
  concatBytes,
  encodeCbor,
  fixedClock,
  getBackend,
  inclusionProof,
  merkleRoot,
  signSign1,
  utf8,
} from '@safety-net/core';
import {
  encodeLogEntry,
  encodeProofBundle,
  entryLeafHash,
  formatTlogProof,
  logForm,
  ReceiptIssuer,
  tilePath,
} from '@safety-net/cross-domain-audit';
import type { Vector } from '../../format.js';
import { hex, KEYS, keysOf, NOW, vector } from '../common.js';

const ORIGIN = 'hospital.example/audit/main';
const SIZE = 70_000;
const entryOf = (i: number) => encodeLogEntry({ kind: 'tombstone', body: utf8(`entry ${i}`) });

function auLog(id: string, description: string, input: object, expected: object, keys = {}): Vector {
  return {
    ...vector({ id, description, kind: 'au-log', keys, input, options: {}, expected }),
    package: 'cross-domain-audit',
  };
}

/** A C2SP checkpoint of the tree, signed by the Ed25519 vector key with Go's key ID. */
function checkpointOf(size: number, root: Uint8Array): string {
  const body = `${ORIGIN}\n${size}\n${Buffer.from(root).toString('base64')}\n`;
  const key = KEYS.ed25519;
  const keyId = createHash('sha256')
    .update(concatBytes(utf8(ORIGIN), Uint8Array.of(0x0a, 0x01), key.x))
    .digest()
    .subarray(0, 4);
  const signature = getBackend().sign(algorithmByName('Ed25519'), key, utf8(body));
  return `${body}\n\u2014 ${ORIGIN} ${Buffer.from(concatBytes(keyId, signature)).toString('base64')}\n`;
}

export function crossDomainAuditLogVectors(): Vector[] {
  const leaves = Array.from({ length: SIZE }, (_, i) => entryOf(i));
  const root = merkleRoot(leaves);
  const index = 12_345;
  const path = inclusionProof(leaves, index);
  const ok = { entry_hex: hex(leaves[index]!), index, size: SIZE, path_hex: path.map(hex), root_hex: hex(root) };
  const tampered = leaves[index]!.slice();
  tampered[tampered.length - 1]! ^= 1;

  const presentation = signSign1(utf8('record claims'), KEYS.ed25519, {
    protectedHeader: { typ: 'application/sd-cwt' },
    unprotectedHeader: { other: new Map([[17, [utf8('disclosure')]]]) },
  });

  const small = Array.from({ length: 5 }, (_, i) => entryOf(i));
  const smallRoot = merkleRoot(small);
  const receipts = new ReceiptIssuer({ origin: ORIGIN, key: KEYS.ed25519, clock: fixedClock(NOW * 1000) });
  const receipt = receipts.issue({ index: 3, size: 5, path: inclusionProof(small, 3), rootHash: smallRoot });
  const checkpoint = checkpointOf(5, smallRoot);
  const proofText = formatTlogProof({ index: 3, path: inclusionProof(small, 3), checkpoint });
  const bundle = encodeProofBundle({
    origin: ORIGIN,
    policy: { log: { origin: ORIGIN, keys: ['vkey'] }, witnesses: [{ name: 'w', key: 'wkey' }], quorum: 1 },
    items: [{ entry: small[3]!, proof: proofText, receipt }],
  });
  const keys = keysOf([KEYS.ed25519], 'public');

  return [
    auLog(
      'au-log-entry-eat',
      'a log entry is the deterministic CBOR of [1, kind, body]; its leaf hash is SHA-256(0x00 || entry)',
      { op: 'entry', kind: 'eat', body_hex: '0102' },
      {
        result: 'valid',
        entry_hex: hex(encodeLogEntry({ kind: 'eat', body: Uint8Array.of(1, 2) })),
        leaf_hash_hex: hex(entryLeafHash(encodeLogEntry({ kind: 'eat', body: Uint8Array.of(1, 2) }))),
      },
    ),
    auLog(
      'au-log-entry-unknown-kind',
      'an entry of a kind the log does not know is refused',
      { op: 'entry', kind: 'erasure', body_hex: '00' },
      {
        result: 'invalid',
        error: 'ERR_AU_ENTRY_INVALID',
      },
    ),
    auLog(
      'au-log-eat-log-form',
      'the log form of a signed message drops its unprotected header (disclosures)',
      { op: 'log-form', message_hex: hex(presentation) },
      {
        result: 'valid',
        log_form_hex: hex(logForm(presentation)),
      },
    ),
    auLog(
      'au-log-form-not-cose',
      'a message that is not a COSE_Sign1 or COSE_Sign has no log form',
      { op: 'log-form', message_hex: hex(encodeCbor([1, 2, 3])) },
      {
        result: 'invalid',
        error: 'ERR_AU_ENTRY_INVALID',
      },
    ),
    ...[
      { level: 0, index: 0, width: 256 },
      { level: 0, index: 255, width: 256 },
      { level: 0, index: 256, width: 256 },
      { level: 2, index: 1_234_067, width: 256 },
      { level: 1, index: 1, width: 17 },
      { level: 'entries' as const, index: 273, width: 112 },
    ].map((t, i) =>
      auLog(
        `au-log-tile-path-${i + 1}`,
        `the tlog-tiles path of tile ${t.level}/${t.index} of width ${t.width}`,
        { op: 'tile-path', ...t },
        {
          result: 'valid',
          path: tilePath(t),
        },
      ),
    ),
    auLog(
      'au-log-inclusion-70000',
      'an inclusion proof in a 70,000-entry tree (the tree of the C2SP tiles example) verifies',
      { op: 'inclusion', ...ok },
      { result: 'valid' },
    ),
    auLog(
      'au-log-inclusion-wrong-length',
      'an audit path one hash short is refused',
      { op: 'inclusion', ...ok, path_hex: ok.path_hex.slice(0, -1) },
      {
        result: 'invalid',
        error: 'ERR_AU_PROOF_INVALID',
      },
    ),
    auLog(
      'au-log-inclusion-wrong-order',
      'an audit path with two hashes swapped is refused',
      {
        op: 'inclusion',
        ...ok,
        path_hex: [ok.path_hex[1]!, ok.path_hex[0]!, ...ok.path_hex.slice(2)],
      },
      { result: 'invalid', error: 'ERR_AU_PROOF_INVALID' },
    ),
    auLog(
      'au-log-tampered-leaf',
      'one byte of the entry changed: the proof no longer verifies',
      { op: 'inclusion', ...ok, entry_hex: hex(tampered) },
      {
        result: 'invalid',
        error: 'ERR_AU_PROOF_INVALID',
      },
    ),
    auLog(
      'au-log-tlog-proof-text',
      'the C2SP tlog-proof@v1 text of an entry',
      { op: 'tlog-proof', index: 3, path_hex: inclusionProof(small, 3).map(hex), checkpoint },
      {
        result: 'valid',
        text: proofText,
      },
    ),
    auLog(
      'au-log-receipt-rfc9942',
      'an RFC 9942 receipt (vds 1, one inclusion proof under 396, detached root) verifies against the checkpointed root',
      {
        op: 'receipt',
        entry_hex: hex(small[3]!),
        receipt_hex: hex(receipt),
        key: 'ed25519-a',
        checkpoints: [{ origin: ORIGIN, size: 5, root_hex: hex(smallRoot) }],
      },
      { result: 'valid', issuer: ORIGIN, iat: NOW, index: 3, size: 5 },
      keys,
    ),
    auLog(
      'au-log-receipt-root-not-checkpointed',
      'a receipt whose root is not the root of a checkpoint of its size is refused',
      {
        op: 'receipt',
        entry_hex: hex(small[3]!),
        receipt_hex: hex(receipt),
        key: 'ed25519-a',
        checkpoints: [{ origin: ORIGIN, size: 5, root_hex: hex(merkleRoot(small.slice(0, 4))) }],
      },
      { result: 'invalid', error: 'ERR_AU_RECEIPT_INVALID' },
      keys,
    ),
    auLog(
      'au-log-bundle',
      'a proof bundle decodes: origin, policy and items',
      { op: 'bundle-decode', bundle_hex: hex(bundle) },
      {
        result: 'valid',
        origin: ORIGIN,
        items: 1,
      },
    ),
    auLog(
      'au-log-bundle-truncated',
      'a truncated proof bundle is refused',
      { op: 'bundle-decode', bundle_hex: hex(bundle.slice(0, -1)) },
      {
        result: 'invalid',
        error: 'ERR_AU_BUNDLE_INVALID',
      },
    ),
  ];
}
