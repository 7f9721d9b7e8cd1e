export {
  type DisclosureStore,
  DOMAIN_OWNER,
  type ErasureIntent,
  type HoldRecord,
  type PendingErasure,
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
export { bytesKeyEncryptionKey, type KeyEncryptionKey } from './kek.js';
export { MemoryDisclosureStore } from './memory-disclosure-store.js';
export { DisclosureVault, type DisclosureVaultOptions, type StoreEatOptions } from './vault.js';
