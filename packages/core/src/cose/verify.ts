import type { CborValue } from '../cbor/index.js';
import { isSafetyNetError, type SafetyNetError, snError } from '../errors/index.js';
import { toHex } from '../util/bytes.js';
import { protectedTyp } from './algorithm.js';
import { checkSignature, effectivePayload, type SignatureCheck } from './check-signature.js';
import { checkHeaders, understoodLabels } from './headers.js';
import { signToBeSigned } from './sig-structure.js';
import {
  COSE_SIGN_TAG,
  type CoseDecodeOptions,
  decodeCoseArray,
  type HeaderPair,
  readHeaderPair,
  readPayload,
  readSignature,
} from './structure.js';
import type { CoseVerifyOptions } from './verify-options.js';

/** One COSE_Signature of a COSE_Sign, taken apart. */
export interface DecodedSignature extends HeaderPair {
  readonly signature: Uint8Array;
}

/** A COSE_Sign taken apart, not yet verified. */
export interface DecodedSign extends HeaderPair {
  readonly tagged: boolean;
  readonly payload: Uint8Array | null;
  readonly signatures: readonly DecodedSignature[];
}

/** The outcome for one signature: verified, or the typed reason it was not. */
export type SignatureOutcome =
  | ({ readonly index: number; readonly valid: true } & SignatureCheck)
  | { readonly index: number; readonly valid: false; readonly error: SafetyNetError };

/** A COSE_Sign whose signatures met the policy. */
export interface VerifiedSign extends DecodedSign {
  readonly payload: Uint8Array;
  /** Every signature's outcome, in message order. */
  readonly outcomes: readonly SignatureOutcome[];
}

/** Options for {@link verifySign}. */
export interface SignVerifyOptions extends CoseVerifyOptions {
  /**
   * How many signatures must verify, by distinct keys: `'all'` (default: every signature, RFC 9052's plain reading),
   * or a threshold `{ atLeast: k }` for quorum objects.
   */
  require?: 'all' | { atLeast: number };
}

const MAX_SIGNATURES = 256;

/**
 * `'all'`, or a threshold of at least one signer. Anything else is `ERR_INPUT_INVALID`: a threshold of NaN, 0 or a
 * missing `atLeast` compares as met with no valid signature at all.
 */
function signerRequirement(require: unknown): 'all' | { atLeast: number } {
  if (require === undefined || require === 'all') return 'all';
  const atLeast =
    typeof require === 'object' && require !== null ? (require as { atLeast?: unknown }).atLeast : undefined;
  if (typeof atLeast !== 'number' || !Number.isSafeInteger(atLeast) || atLeast < 1) {
    throw snError('ERR_INPUT_INVALID', "require must be 'all' or { atLeast: k } with k a whole number ≥ 1");
  }
  return { atLeast };
}

/** Decodes a COSE_Sign (tagged or not, per `options.tag`) without verifying it. */
export function decodeSign(bytes: Uint8Array, options: CoseDecodeOptions = {}): DecodedSign {
  const { items, tagged } = decodeCoseArray(bytes, COSE_SIGN_TAG, 4, options);
  // core.md §4.5: the whole shape (step 3: body, then each signer in order) before the signature count (step 4).
  const body = readHeaderPair(items, options.decode);
  const payload = readPayload(items[2]);
  const list = items[3];
  if (!Array.isArray(list)) throw snError('ERR_COSE_MALFORMED', 'signatures is not an array');
  const signatures = list.map((s: CborValue) => {
    if (!Array.isArray(s) || s.length !== 3) throw snError('ERR_COSE_MALFORMED', 'COSE_Signature is not [3]');
    return { ...readHeaderPair(s, options.decode), signature: readSignature(s[2]) };
  });
  if (signatures.length === 0) throw snError('ERR_COSE_NO_SIGNATURES');
  if (signatures.length > MAX_SIGNATURES) {
    throw snError('ERR_COSE_MALFORMED', `more than ${MAX_SIGNATURES} signatures`);
  }
  return { ...body, tagged, payload, signatures };
}

/**
 * Verifies a COSE_Sign. With `require: 'all'` the first failing signature's error is thrown; with a threshold,
 * failures are reported in `outcomes` and `ERR_COSE_BAD_SIGNATURE` is thrown only when too few distinct keys verified.
 */
export function verifySign(input: Uint8Array | DecodedSign, options: SignVerifyOptions): VerifiedSign {
  // An invalid policy is the caller's error, whatever the message: it is refused before a byte is read.
  const requirement = signerRequirement(options.require);
  const decoded = input instanceof Uint8Array ? decodeSign(input, options) : input;
  checkHeaders(decoded.protectedHeader, decoded.unprotectedHeader, understoodLabels(options.understoodCrit));
  const payload = effectivePayload(decoded.payload, options);
  const typ = protectedTyp(decoded);
  const outcomes = decoded.signatures.map((sig, index): SignatureOutcome => {
    const tbs = () => signToBeSigned(decoded.protectedBytes, sig.protectedBytes, payload, options.externalAad);
    try {
      return { index, valid: true, ...checkSignature(sig, sig.signature, tbs, options, typ) };
    } catch (e) {
      if (requirement === 'all' || !isSafetyNetError(e)) throw e;
      return { index, valid: false, error: e };
    }
  });
  if (requirement !== 'all') {
    const distinct = new Set(outcomes.flatMap((o) => (o.valid ? [`${o.key.curve}:${toHex(o.key.x)}`] : [])));
    if (distinct.size < requirement.atLeast) {
      throw snError(
        'ERR_COSE_BAD_SIGNATURE',
        `${distinct.size} of the required ${requirement.atLeast} signers verified`,
      );
    }
  }
  return { ...decoded, payload, outcomes };
}
