import {
  type CborValue,
  type Clock,
  coseKeyThumbprint,
  decodeCbor,
  decodeSign1,
  encodeCbor,
  epochSeconds,
  isSafetyNetError,
  type PrivateKey,
  type PublicKey,
  publicKeyOf,
  signSign1,
  systemClock,
  verifyInclusion,
  verifySign1,
} from '@safety-net/core';
import type { TreeHead } from '../checkpoint/tree-head.js';
import { auError } from '../errors.js';

/** COSE header labels of RFC 9942 and the CWT claims header of RFC 9597. */
export const RECEIPT_LABELS = { receipts: 394, vds: 395, vdp: 396, cwtClaims: 15 } as const;
/** The `RFC9162_SHA256` verifiable data structure (RFC 9942 §5). */
export const VDS_RFC9162_SHA256 = 1;
/** The inclusion proof type in the verifiable data proofs map. */
const INCLUSION = -1;

/** Options of {@link ReceiptIssuer}. */
export interface ReceiptIssuerOptions {
  /** The log's origin: the receipt's `iss`. */
  readonly origin: string;
  /** The log's receipt key (any COSE signature algorithm core supports). */
  readonly key: PrivateKey;
  /** Defaults to the key's RFC 9679 COSE Key thumbprint. */
  readonly kid?: Uint8Array;
  readonly clock?: Clock;
}

/** What a receipt proves: an entry at an index of the tree of a size, whose root a checkpoint published. */
export interface ReceiptProof {
  readonly index: number;
  readonly size: number;
  readonly path: readonly Uint8Array[];
  readonly rootHash: Uint8Array;
}

/**
 * Signs RFC 9942 COSE Receipts of a log (spec §5.5): a COSE_Sign1 with `alg`, `kid`, `vds` (395) = 1 and CWT claims
 * (15) `{1: origin, 6: iat}` protected; the inclusion proof `[tree-size, leaf-index, path]` under 396 / -1,
 * unprotected; the root as detached payload.
 */
export class ReceiptIssuer {
  readonly #options: ReceiptIssuerOptions;
  readonly #kid: Uint8Array;

  constructor(options: ReceiptIssuerOptions) {
    this.#options = options;
    this.#kid = options.kid ?? coseKeyThumbprint(publicKeyOf(options.key));
  }

  issue(proof: ReceiptProof): Uint8Array {
    const claims = new Map<number, CborValue>([
      [1, this.#options.origin],
      [6, epochSeconds(this.#options.clock ?? systemClock)],
    ]);
    const inclusion = encodeCbor([proof.size, proof.index, [...proof.path]]);
    return signSign1(proof.rootHash, this.#options.key, {
      protectedHeader: {
        kid: this.#kid,
        other: new Map<number, CborValue>([
          [RECEIPT_LABELS.vds, VDS_RFC9162_SHA256],
          [RECEIPT_LABELS.cwtClaims, claims],
        ]),
      },
      unprotectedHeader: { other: new Map([[RECEIPT_LABELS.vdp, new Map([[INCLUSION, [inclusion]]])]]) },
      detached: true,
    });
  }
}

/** A verified receipt. */
export interface VerifiedReceipt {
  readonly issuer: string;
  readonly iat: number;
  readonly index: number;
  readonly size: number;
  readonly rootHash: Uint8Array;
}

/** Options of {@link verifyReceipt}. */
export interface VerifyReceiptOptions {
  /** The entry (leaf bytes) the receipt is for. */
  readonly entry: Uint8Array;
  /** The log's receipt key. */
  readonly key: PublicKey;
  /** Tree heads the verifier trusts (verified checkpoints): the receipt's root must be one of them, of its size. */
  readonly checkpoints: readonly TreeHead[];
}

const invalid = (why: string, cause?: unknown) =>
  auError('ERR_AU_RECEIPT_INVALID', why, cause === undefined ? undefined : { cause });

/**
 * Verifies a receipt offline (spec §5.5, RFC 9942 §5.3): the proof recomputes, from the entry, the root of a trusted
 * checkpoint of the receipt's tree size, and the log's key signed that root. Anything else is
 * `ERR_AU_RECEIPT_INVALID`.
 */
export function verifyReceipt(receipt: Uint8Array, options: VerifyReceiptOptions): VerifiedReceipt {
  let decoded: ReturnType<typeof decodeSign1>;
  try {
    decoded = decodeSign1(receipt, { tag: 'tagged' });
  } catch (e) {
    throw invalid('not a tagged COSE_Sign1', e);
  }
  if (decoded.payload !== null) throw invalid('the payload must be detached');
  if (decoded.protectedHeader.get(RECEIPT_LABELS.vds) !== VDS_RFC9162_SHA256)
    throw invalid('vds is not RFC9162_SHA256');
  const claims = decoded.protectedHeader.get(RECEIPT_LABELS.cwtClaims);
  const issuer = claims instanceof Map ? claims.get(1) : undefined;
  const iat = claims instanceof Map ? claims.get(6) : undefined;
  if (typeof issuer !== 'string' || typeof iat !== 'number') throw invalid('CWT claims without iss and iat');
  const { size, index, path } = inclusionOf(decoded.unprotectedHeader.get(RECEIPT_LABELS.vdp));
  const head = options.checkpoints.find(
    (h) =>
      h.size === size &&
      h.origin === issuer &&
      verifyInclusion({ leaf: options.entry, index, size, path, root: h.rootHash }),
  );
  if (!head) throw invalid(`the proof reaches no trusted checkpoint of size ${size} of ${issuer}`);
  try {
    verifySign1(decoded, { key: options.key, detachedPayload: head.rootHash, requireProtectedAlg: true });
  } catch (e) {
    if (isSafetyNetError(e)) throw invalid(`signature: ${e.code}`, e);
    throw e;
  }
  return { issuer, iat, index, size, rootHash: head.rootHash };
}

function inclusionOf(proofs: CborValue | undefined): { size: number; index: number; path: Uint8Array[] } {
  const list = proofs instanceof Map ? proofs.get(INCLUSION) : undefined;
  if (!Array.isArray(list) || list.length !== 1 || !(list[0] instanceof Uint8Array)) {
    throw invalid('verifiable data proofs must hold exactly one inclusion proof');
  }
  let proof: CborValue;
  try {
    proof = decodeCbor(list[0]);
  } catch (e) {
    throw invalid('the inclusion proof is not CBOR', e);
  }
  if (
    !Array.isArray(proof) ||
    proof.length !== 3 ||
    !Number.isSafeInteger(proof[0]) ||
    !Number.isSafeInteger(proof[1]) ||
    !Array.isArray(proof[2]) ||
    !proof[2].every((h) => h instanceof Uint8Array && h.length === 32)
  ) {
    throw invalid('the inclusion proof is not [tree-size, leaf-index, [* hash]]');
  }
  return { size: proof[0] as number, index: proof[1] as number, path: proof[2] as Uint8Array[] };
}
