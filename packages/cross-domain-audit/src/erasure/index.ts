export {
  type AmbiguousRequest,
  type DisclosureStore,
  DOMAIN_OWNER,
  type ErasureIntent,
  type ForwardedRequest,
  type HoldRecord,
  type PeerAnswer,
  type PendingErasure,
  type ReceivedRequest,
  type SealedDisclosure,
  type StoredRecord,
  type WrappedKey,
} from './disclosure-store.js';
export {
  type EraseOptions,
  Eraser,
  type EraserOptions,
  type ErasureOutcome,
  type LoggedMessage,
  subjectDigest,
} from './eraser.js';
export { ErasureDesk, type ErasureDeskOptions } from './erasure-desk.js';
export { type SendForwardedOptions, sendForwarded } from './forward.js';
export { bytesKeyEncryptionKey, type KeyEncryptionKey } from './kek.js';
export { MemoryDisclosureStore } from './memory-disclosure-store.js';
export type { PeerDomain } from './peer-domain.js';
export { DisclosureVault, type DisclosureVaultOptions, type StoreEatOptions } from './vault.js';
