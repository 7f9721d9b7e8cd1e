import { join } from 'node:path';
import type { Clock } from '@safety-net/core';
import {
  addCheckpoint,
  formatVerifierKey,
  noteVerifierOf,
  parseCheckpoint,
  parseNote,
  verifyCosigned,
  type WitnessedLog,
  type WitnessPolicy,
  witnessHandler,
  witnessSigner,
} from '@safety-net/cross-domain-audit';
import { SqliteWitnessStore } from '@safety-net/cross-domain-audit/sqlite';
import Database from 'better-sqlite3';
import type { Domain } from './domain.js';
import { keyOf, SUPPLIER } from './world.js';

/** The supplier's witness, by its cosigning key's name; it is served under `/witness` on the supplier's host. */
export const WITNESS_NAME = `${SUPPLIER}/witness`;
export const WITNESS_PATH = '/witness';

/** The supplier's witness (C2SP `tlog-witness`): cosigns what is consistent with what it cosigned before. */
export function supplierWitness(dir: string, clock: Clock, logs: readonly WitnessedLog[]) {
  const db = new Database(join(dir, 'witness.db'));
  const signer = witnessSigner(WITNESS_NAME, keyOf(SUPPLIER, 'witness'));
  return {
    handler: witnessHandler({ signer, logs, store: new SqliteWitnessStore(db), clock }),
    /** The witness's verifier key (type 0x04), what verifiers list in their policy. */
    vkey: formatVerifierKey(noteVerifierOf(signer)),
    close: () => db.close(),
  };
}

/** A verifier's policy for `domain`'s log: its key, and the supplier's witness as a 1-of-1 quorum (spec §5.3). */
export function oneOfOnePolicy(domain: Domain, witnessVkey: string): WitnessPolicy {
  return {
    log: { origin: domain.origin, keys: [domain.logVkey] },
    witnesses: [{ name: WITNESS_NAME, key: witnessVkey }],
    quorum: 1,
  };
}

/** What submitting a checkpoint to the witness gave: the checkpoint with the witness's cosignature appended. */
export interface Witnessed {
  readonly size: number;
  readonly cosigned: string;
}

/**
 * The log asks the supplier's witness over HTTP to cosign `checkpoint`, telling it the size it last cosigned and,
 * when the witness asks, the consistency proof from there (computed from the log's stored hashes), then serves the
 * cosigned checkpoint. `proofOf` replaces the proof, to show what the witness does with a wrong one.
 */
export async function witnessCheckpoint(
  domain: Domain,
  witnessUrl: string,
  checkpoint: string,
  oldSize: number,
  proofOf = (from: number, to: number) => domain.log.consistencyProof(from, to),
): Promise<Witnessed> {
  const { size } = parseCheckpoint(parseNote(checkpoint).text);
  const { cosignatures } = await addCheckpoint(`${witnessUrl}/add-checkpoint`, {
    checkpoint,
    oldSize,
    proof: (from) => proofOf(from, size),
  });
  const cosigned = checkpoint + cosignatures.map((line) => `${line}\n`).join('');
  domain.publishCosigned(checkpoint, cosigned);
  return { size, cosigned };
}

/** A verifier's view of a cosigned checkpoint: the tree head, or the refusal's code. */
export function verifyWitnessed(cosigned: string, policy: WitnessPolicy, clock: Clock) {
  return verifyCosigned(cosigned, policy, { clock });
}
