import { bytesEqual, type CborValue, decodeCbor, encodeCbor, type PublicKey, toBase64Url } from '@safety-net/core';
import * as z from 'zod';
import type { TreeHead } from '../checkpoint/tree-head.js';
import { auError } from '../errors.js';
import { type ForkFinding, provenPrefixRoot } from '../fork/detect.js';
import { decodeLogEntry, type LogEntry, logForm } from '../log/entry.js';
import type { TransparencyLog } from '../log/transparency-log.js';
import { verifyEntryInclusion, verifyTreeConsistency } from '../log/verify.js';
import { OriginSchema } from '../messages/common.js';
import { verifyReceipt } from '../receipt/receipt.js';
import { formatTlogProof, parseTlogProof } from './tlog-proof.js';

/** The witness policy a bundle is meant to satisfy (spec §5.3); the verifier applies its own. */
export const ProofBundlePolicySchema = z.strictObject({
  log: z.strictObject({ origin: OriginSchema, keys: z.array(z.string()).min(1).max(4) }),
  witnesses: z
    .array(z.strictObject({ name: z.string(), key: z.string() }))
    .min(1)
    .max(64),
  quorum: z.number().int().min(0),
  max_age: z.number().int().min(0).optional(),
});
export type ProofBundlePolicy = z.infer<typeof ProofBundlePolicySchema>;

/** One proven entry of a bundle. */
export interface ProofBundleItem {
  /** The log entry (leaf bytes). */
  readonly entry: Uint8Array;
  /** Its C2SP `tlog-proof@v1` text. */
  readonly proof: string;
  readonly receipt?: Uint8Array;
  /** The SD-CWT presentation of the entry's EAT, with the disclosures the auditor's role may see. */
  readonly presentation?: Uint8Array;
}

/** A proof bundle (spec §5.6): what an auditor carries away and verifies offline. */
export interface ProofBundle {
  readonly origin: string;
  readonly policy: ProofBundlePolicy;
  readonly items: readonly ProofBundleItem[];
  readonly consistency?: readonly { from: string; to: string; proof: readonly Uint8Array[] }[];
}

/** Largest bundle and most items (spec §9). */
export const MAX_BUNDLE_BYTES = 16 * 1_048_576;
export const MAX_BUNDLE_ITEMS = 100_000;
/** Media type of an encoded bundle; files end in `.snbundle`. */
export const PROOF_BUNDLE_MEDIA_TYPE = 'application/vnd.safety-net.audit-bundle+cbor';

const bad = (why: string, cause?: unknown) =>
  auError('ERR_AU_BUNDLE_INVALID', why, cause === undefined ? undefined : { cause });

const ItemSchema = z.strictObject({
  entry: z.instanceof(Uint8Array),
  proof: z.string(),
  receipt: z.instanceof(Uint8Array).optional(),
  presentation: z.instanceof(Uint8Array).optional(),
});
const BundleSchema = z.strictObject({
  v: z.literal(1),
  origin: OriginSchema,
  policy: ProofBundlePolicySchema,
  items: z.array(ItemSchema).min(1).max(MAX_BUNDLE_ITEMS),
  consistency: z
    .array(z.strictObject({ from: z.string(), to: z.string(), proof: z.array(z.instanceof(Uint8Array)).max(63) }))
    .optional(),
});

/** CBOR maps with text keys as plain objects, for the schema; everything else as it is. */
function toPlain(value: CborValue): unknown {
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) {
      if (typeof k !== 'string') throw bad('a map key is not text');
      out[k] = toPlain(v);
    }
    return out;
  }
  return Array.isArray(value) ? value.map(toPlain) : value;
}

function toCbor(value: unknown): CborValue {
  if (Array.isArray(value)) return value.map(toCbor);
  if (value instanceof Uint8Array || typeof value !== 'object' || value === null) return value as CborValue;
  return new Map(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, toCbor(v)]),
  );
}

/** The bundle's deterministic CBOR. */
export function encodeProofBundle(bundle: ProofBundle): Uint8Array {
  const bytes = encodeCbor(toCbor({ v: 1, ...bundle }));
  if (bytes.length > MAX_BUNDLE_BYTES) throw bad(`bundle of ${bytes.length} bytes`);
  return bytes;
}

/** Decodes a bundle; anything but the schema of spec §5.6 within its limits is `ERR_AU_BUNDLE_INVALID`. */
export function decodeProofBundle(bytes: Uint8Array): ProofBundle {
  let value: CborValue;
  try {
    value = decodeCbor(bytes, { maxBytes: MAX_BUNDLE_BYTES, maxItems: 16 * MAX_BUNDLE_ITEMS, maxDepth: 8 });
  } catch (e) {
    throw bad('not CBOR within the limits', e);
  }
  const parsed = BundleSchema.safeParse(toPlain(value));
  if (!parsed.success) throw bad(`not a proof bundle: ${parsed.error.issues[0]?.message ?? ''}`);
  const { v: _v, ...bundle } = parsed.data;
  return bundle;
}

/** Options of {@link verifyProofBundle}. */
export interface VerifyProofBundleOptions {
  /**
   * Verifies a checkpoint note against the verifier's own witness policy (the log's key, a quorum of fresh
   * cosignatures) and returns its tree head; its refusals pass through.
   */
  readonly openCheckpoint: (text: string) => Promise<TreeHead>;
  /** The log's receipt key: required when any item carries a receipt. */
  readonly receiptKey?: PublicKey;
  /** Verifies a presentation's disclosures (spec §3.3) once its issuer part is known to be the entry's body. */
  readonly verifyPresentation?: (presentation: Uint8Array, entry: LogEntry) => Promise<void>;
}

/** A verified bundle item. */
export interface VerifiedBundleItem {
  readonly index: number;
  readonly entry: LogEntry;
  readonly head: TreeHead;
}

/**
 * Verifies a bundle offline (spec §5.6): every proof parses, its checkpoint passes `openCheckpoint` and is of the
 * bundle's origin, the audit path proves the entry (`ERR_AU_PROOF_INVALID`), each receipt verifies with the receipt
 * key against a checkpoint of the bundle (`ERR_AU_RECEIPT_INVALID`), each presentation's issuer part is the entry's
 * body, and each consistency proof verifies between its checkpoints (one that reproduces the later root from another
 * prefix root is `ERR_AU_FORK_DETECTED`, carrying the finding as `fork`, spec §5.8). Other inconsistencies are
 * `ERR_AU_BUNDLE_INVALID`.
 */
export async function verifyProofBundle(
  input: Uint8Array | ProofBundle,
  options: VerifyProofBundleOptions,
): Promise<VerifiedBundleItem[]> {
  const bundle = input instanceof Uint8Array ? decodeProofBundle(input) : input;
  const opened = new Map<string, Promise<TreeHead>>();
  const open = async (text: string) => {
    let head = opened.get(text);
    if (!head) {
      head = options.openCheckpoint(text);
      opened.set(text, head);
    }
    const h = await head;
    if (h.origin !== bundle.origin) throw bad(`a checkpoint of ${h.origin} in a bundle of ${bundle.origin}`);
    return h;
  };
  const proven = await Promise.all(
    bundle.items.map(async (item) => {
      const proof = parseTlogProof(item.proof);
      let entry: LogEntry;
      try {
        entry = decodeLogEntry(item.entry);
      } catch (e) {
        throw bad(`item ${proof.index} holds no log entry`, e);
      }
      const head = await open(proof.checkpoint);
      verifyEntryInclusion({
        entry: item.entry,
        index: proof.index,
        size: head.size,
        path: proof.path,
        rootHash: head.rootHash,
      });
      return { index: proof.index, entry, head };
    }),
  );
  const heads = proven.map((p) => p.head);
  for (const [i, item] of bundle.items.entries()) {
    if (item.receipt) {
      if (!options.receiptKey) throw auError('ERR_AU_RECEIPT_INVALID', 'no receipt key to verify the receipts with');
      verifyReceipt(item.receipt, { entry: item.entry, key: options.receiptKey, checkpoints: heads });
    }
    if (item.presentation) {
      let issued: Uint8Array;
      try {
        issued = logForm(item.presentation);
      } catch (e) {
        throw bad('the presentation is not a signed message', e);
      }
      if (!bytesEqual(issued, proven[i]!.entry.body)) throw bad('the presentation is not of the logged entry');
      await options.verifyPresentation?.(item.presentation, proven[i]!.entry);
    }
  }
  for (const c of bundle.consistency ?? []) {
    const [from, to] = await Promise.all([open(c.from), open(c.to)]);
    forkOfConsistency(bundle.origin, c, from, to);
    verifyTreeConsistency({
      size1: from.size,
      rootHash1: from.rootHash,
      size2: to.size,
      rootHash2: to.rootHash,
      proof: c.proof,
    });
  }
  return proven;
}

/**
 * A consistency proof between two signed checkpoints that reproduces the later root from a prefix root other than
 * the earlier one proves a fork (spec §5.8): `ERR_AU_FORK_DETECTED`, carrying the finding as `fork`.
 */
function forkOfConsistency(
  origin: string,
  c: { readonly from: string; readonly to: string; readonly proof: readonly Uint8Array[] },
  from: TreeHead,
  to: TreeHead,
): void {
  if (from.size === 0 || from.size >= to.size) return;
  const root = provenPrefixRoot(from.size, to.size, to.rootHash, { proof: c.proof }, from.rootHash);
  if (!root || bytesEqual(root, from.rootHash)) return;
  const fork: ForkFinding = {
    origin,
    kind: 'inconsistent',
    a: c.from,
    b: c.to,
    hashes: [root, ...c.proof].map(toBase64Url),
  };
  throw Object.assign(auError('ERR_AU_FORK_DETECTED', `the log signed ${from.size} entries another way`), { fork });
}

/** Options of {@link buildProofBundle}. */
export interface BuildProofBundleOptions {
  /** Entries to prove, by index. */
  readonly indices: readonly number[];
  readonly policy: ProofBundlePolicy;
  /** Issues a receipt per item when given. */
  readonly receipt?: (proof: { index: number; size: number; path: Uint8Array[]; rootHash: Uint8Array }) => Uint8Array;
  /** The latest checkpoint with its cosignatures, when the log's own copy carries none (default: the log's). */
  readonly checkpoint?: string;
  /** Checkpoints the auditor already holds: a consistency proof from each to the bundle's checkpoint is added. */
  readonly since?: readonly string[];
  readonly openCheckpoint: (text: string) => Promise<TreeHead>;
}

/** Assembles a bundle of entries of `log`, all proven under one checkpoint of the log's latest tree. */
export async function buildProofBundle(log: TransparencyLog, options: BuildProofBundleOptions): Promise<ProofBundle> {
  const checkpoint = options.checkpoint ?? (await log.checkpoint());
  if (checkpoint === undefined) throw bad('the log has no checkpoint yet');
  const head = await options.openCheckpoint(checkpoint);
  const items = await Promise.all(
    options.indices.map(async (index) => {
      const path = await log.inclusionProof(index, head.size);
      const entry = await log.entry(index);
      const receipt = options.receipt?.({ index, size: head.size, path, rootHash: head.rootHash });
      return { entry, proof: formatTlogProof({ index, path, checkpoint }), ...(receipt && { receipt }) };
    }),
  );
  const consistency = await Promise.all(
    (options.since ?? []).map(async (from) => {
      const old = await options.openCheckpoint(from);
      const proof = old.size === 0 || old.size === head.size ? [] : await log.consistencyProof(old.size, head.size);
      return { from, to: checkpoint, proof };
    }),
  );
  return { origin: log.origin, policy: options.policy, items, ...(consistency.length > 0 && { consistency }) };
}
