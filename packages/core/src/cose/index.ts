export { algorithmOf, kidOf } from './algorithm.js';
export type { SignatureCheck } from './check-signature.js';
export { HEADER, type HeaderMap, type HeaderParams, headerMap } from './headers.js';
export { sign1ToBeSigned, signToBeSigned } from './sig-structure.js';
export { addSignature, type Signer, type SignOptions, signSign } from './sign.js';
export { type Sign1Options, signSign1 } from './sign1.js';
export { COSE_SIGN_TAG, COSE_SIGN1_TAG, type CoseDecodeOptions, type HeaderPair, type TagPolicy } from './structure.js';
export {
  type DecodedSign,
  type DecodedSignature,
  decodeSign,
  type SignatureOutcome,
  type SignVerifyOptions,
  type VerifiedSign,
  verifySign,
} from './verify.js';
export type { CoseVerifyOptions } from './verify-options.js';
export { type DecodedSign1, decodeSign1, type VerifiedSign1, verifySign1 } from './verify1.js';
