/** The fixed time (epoch seconds) of the tests and vectors: 2026-03-01T00:00:00Z. */
export const NOW = 1_772_323_200;
