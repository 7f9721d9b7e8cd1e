export { base64UrlBytes, type ClaimCodec, jsonValue, utf8Bytes } from './claim-codecs.js';
export { type ClaimCheckOptions, parseClaims } from './claims-checks.js';
export { type DagLinkClaims, type DagNodeDeclaration, dagNodeOf } from './dag-node.js';
export {
  type ClaimLabel,
  defineMessageType,
  type JwsForm,
  type MessageSignOptions,
  MessageType,
  type MessageTypeDefinition,
  type MessageVerifyOptions,
} from './define.js';
export {
  decodeJwsHeader,
  decodeJwsPayload,
  type JwsSignOptions,
  MAX_JWS_LENGTH,
  signJws,
  verifyCompactJws,
  verifyJws,
} from './jws.js';
export { CWT_LABELS, cwtLabels, DAG_LINK_LABELS, DAG_MESSAGE_LABELS } from './labels.js';
export {
  type JwsGeneral,
  type MultiVerified,
  type MultiVerifyOptions,
  type MultiVerifyResult,
  type SigningParty,
  signJwsGeneral,
  signMultiSigned,
  type VerifyingParty,
  verifyJwsGeneral,
  verifyMultiSigned,
} from './multi-signed.js';
export { type AnyMessageType, MessageTypeRegistry } from './registry.js';
export { MemoryReplayCache, type ReplayCache } from './replay.js';
export type { Verified, VerifyResult } from './result.js';
export {
  AudienceSchema,
  DagLinkShape,
  DagMessageShape,
  EpochSecondsSchema,
  IdentifierSchema,
  MAX_PREDECESSORS,
  TaskIdSchema,
} from './schemas.js';
export {
  checkAudience,
  checkTimes,
  DEFAULT_CLOCK_SKEW_SECONDS,
  type TimeClaims,
  type TimeOptions,
} from './time.js';
