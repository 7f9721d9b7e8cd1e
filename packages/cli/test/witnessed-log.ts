import { generateKey, seededRandom, utf8 } from '@safety-net/core';
import {
  cosignatureLine,
  formatCheckpoint,
  formatVerifierKey,
  MemoryLogStore,
  noteCheckpointSigner,
  noteSigner,
  noteVerifierOf,
  TransparencyLog,
  type TreeHead,
  type WitnessPolicy,
  witnessSigner,
} from '@safety-net/cross-domain-audit';
import { SAMPLE_NOW } from '@safety-net/cross-domain-audit/testing';

/**
 * A hospital's log whose every checkpoint carries one witness's cosignature, with keys seeded by `seed`: the policy
 * that trusts the pair, the log's own (unwitnessed) signer, and logs of `count` entries `record 0`, `record 1`, ….
 */
export function witnessedLog(seed: string) {
  const origin = 'hospital.example/audit/main';
  const logKey = noteSigner(origin, generateKey('Ed25519', seededRandom(`${seed}/log`)));
  const witness = witnessSigner('witness.example', generateKey('Ed25519', seededRandom(`${seed}/witness`)));
  const policy: WitnessPolicy = {
    log: { origin, keys: [formatVerifierKey(noteVerifierOf(logKey))] },
    witnesses: [{ name: 'witness.example', key: formatVerifierKey(noteVerifierOf(witness)) }],
    quorum: 1,
  };
  const sign = noteCheckpointSigner(logKey, origin);
  const signer = async (head: TreeHead) =>
    `${await sign(head)}${cosignatureLine(witness, formatCheckpoint(head), SAMPLE_NOW)}\n`;
  const logOf = async (count: number) => {
    const log = new TransparencyLog({ origin, store: new MemoryLogStore(), signer });
    await log.append(
      Array.from({ length: count }, (_, i) => ({ kind: 'tombstone' as const, body: utf8(`record ${i}`) })),
    );
    return log;
  };
  return { origin, policy, sign, logOf };
}
