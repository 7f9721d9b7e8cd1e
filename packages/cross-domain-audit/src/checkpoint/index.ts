export type { CheckpointSigner, TreeHead } from './tree-head.js';
