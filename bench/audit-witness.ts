/**
 * Cross-domain audit: one witness round trip over HTTP on loopback. A log's client submits the next checkpoint of
 * a growing tree with its consistency proof (`addCheckpoint`, node's fetch); the witness (`witnessHandler` behind
 * @hono/node-server, memory store) parses the request, verifies the log's signature and the proof, advances its
 * state and answers a cosignature. Checkpoints of sizes 1…2000 and their proofs are built up front; after the last,
 * the witness starts over with a fresh store (one request in 2000 then has no proof).
 */
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import {
  consistencyProofFromLeafHashes,
  generateKey,
  merkleLeafHash,
  merkleRootFromLeafHashes,
  seededRandom,
  utf8,
} from '@safety-net/core';
import {
  addCheckpoint,
  formatCheckpoint,
  MemoryWitnessStore,
  noteSigner,
  noteVerifierOf,
  signNote,
  witnessHandler,
  witnessSigner,
} from '@safety-net/cross-domain-audit';
import type { BenchGroup } from './signing.js';

const ORIGIN = 'bench.example/audit/main';
const STEPS = 2000;

/** The witness round-trip case. */
export async function auditWitnessGroup(): Promise<BenchGroup> {
  const log = noteSigner(ORIGIN, generateKey('Ed25519', seededRandom('bench/audit-log')));
  const witness = witnessSigner('witness.bench.example', generateKey('Ed25519', seededRandom('bench/audit-witness')));
  const hashes = Array.from({ length: STEPS }, (_, i) => merkleLeafHash(utf8(`entry ${i}`)));
  const steps = hashes.map((_, i) => {
    const size = i + 1;
    const rootHash = merkleRootFromLeafHashes(hashes.slice(0, size));
    return {
      checkpoint: signNote(formatCheckpoint({ origin: ORIGIN, size, rootHash }), [log]),
      oldSize: i,
      proof: i === 0 ? [] : consistencyProofFromLeafHashes(hashes.slice(0, size), i),
    };
  });

  const logs = [{ origin: ORIGIN, keys: [noteVerifierOf(log)] }];
  let handler = witnessHandler({ signer: witness, logs, store: new MemoryWitnessStore() });
  const server = createAdaptorServer({ fetch: (request: Request) => handler(request) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/add-checkpoint`;

  let next = 0;
  const roundTrip = async () => {
    if (next === STEPS) {
      handler = witnessHandler({ signer: witness, logs, store: new MemoryWitnessStore() });
      next = 0;
    }
    const step = steps[next++]!;
    const answer = await addCheckpoint(url, { ...step, proof: () => step.proof });
    if (answer.cosignatures.length !== 1) throw new Error('the witness did not cosign');
    return answer;
  };
  // A broken path must not post a fast time: the first answers must be cosignatures of the right checkpoints.
  for (let i = 0; i < 3; i++) await roundTrip();

  return { title: 'cross-domain audit', cases: [{ name: 'audit.checkpoint.witness', run: roundTrip, async: true }] };
}
