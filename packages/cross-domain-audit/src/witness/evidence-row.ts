import type { WitnessEvidence } from './store.js';

/** An `au_witness_evidence` row as SQLite and PostgreSQL return it (PostgreSQL gives a BIGINT as a string). */
export interface EvidenceRow {
  origin: string;
  kind: WitnessEvidence['kind'];
  a: string;
  b: string;
  /** The proof's hashes, concatenated. */
  proof: Uint8Array;
  at: number | string;
}

/** The evidence a row holds, its proof split back into 32-byte hashes. */
export function evidenceOf(r: EvidenceRow): WitnessEvidence {
  return {
    origin: r.origin,
    kind: r.kind,
    a: r.a,
    b: r.b,
    proof: Array.from({ length: r.proof.length / 32 }, (_, i) => new Uint8Array(r.proof.subarray(i * 32, i * 32 + 32))),
    at: Number(r.at),
  };
}
