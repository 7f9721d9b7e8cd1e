export { type Checkpoint, formatCheckpoint, parseCheckpoint } from './checkpoint-text.js';
export { noteCheckpointSigner } from './note-signer.js';
export type { CheckpointSigner, TreeHead } from './tree-head.js';
export { type VerifiedCheckpoint, type VerifyCheckpointOptions, verifyCheckpoint } from './verify.js';
