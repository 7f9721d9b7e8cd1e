/** Fixed time of the sample claims and vectors: 2026-03-01T00:00:00Z, as in the other packages. */
export const SAMPLE_NOW = 1_772_323_200;
export * from './samples-accounting.js';
export * from './samples-erasure.js';
export * from './samples-notes.js';
