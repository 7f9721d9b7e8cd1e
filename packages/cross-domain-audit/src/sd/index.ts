export {
  EAT_SD_LABELS,
  type EatIssueOptions,
  type EatRelease,
  type EatVerifyOptions,
  type EatVerifyResult,
  type IssuedEat,
  issueEat,
  issueEatJwt,
  presentEat,
  presentEatJwt,
  REDACTABLE_FIELDS,
  releaseFor,
  requiredRedactions,
  type VerifiedEat,
  verifyEat,
  verifyEatJwt,
} from './audit-token.js';
export { DEFAULT_DECOYS, type DecoyRange, type IssuedDisclosure, MAX_DIGESTS_PER_MAP, SALT_BYTES } from './blind.js';
export { KEY_BINDING_MAX_AGE, type KeyBindingExpectation } from './key-binding.js';
export { type Disclosed, MAX_DISCLOSURES } from './restore.js';
export {
  type IssuedSdCwt,
  issueSdCwt,
  presentSdCwt,
  SD_CWT,
  type SdCwtIssueOptions,
  type SdCwtKeyBinding,
  type SdCwtLabels,
  type SdCwtVerifyOptions,
  sdCwtDigest,
  sdCwtIssuedForm,
  type VerifiedSdCwt,
  verifySdCwt,
} from './sd-cwt.js';
export {
  type IssuedSdJwt,
  issueSdJwt,
  KB_JWT_TYP,
  presentSdJwt,
  restoreSdJwtClaims,
  SD_JWT_ALG,
  type SdJwtIssueOptions,
  type SdJwtKeyBinding,
  type SdJwtVerifyOptions,
  sdJwtDigest,
  type VerifiedSdJwt,
  verifySdJwt,
} from './sd-jwt.js';
