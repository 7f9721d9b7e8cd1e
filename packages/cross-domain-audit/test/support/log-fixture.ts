import { utf8 } from '@safety-net/core';
import type { LogEntry } from '../../src/log/entry.js';
import { TransparencyLog } from '../../src/log/transparency-log.js';
import type { LogStore } from '../../src/store/log-store.js';
import { openTestCheckpoint, testCheckpointSigner, testNoteKey } from './checkpoint-signer.js';

export const ORIGIN = 'hospital.example/audit/main';
export const LOG_KEY = testNoteKey(ORIGIN);

/** A log over `store` signing checkpoints with the test log key. */
export function testLog(store: LogStore, maxBatch?: number): TransparencyLog {
  return new TransparencyLog({ origin: ORIGIN, store, signer: testCheckpointSigner(LOG_KEY), maxBatch });
}

/** A distinct tombstone-kind entry per number (the body stands in for a signed message). */
export function sampleEntry(n: number, tag = 'entry'): LogEntry {
  return { kind: 'tombstone', body: utf8(`${tag} ${n}`) };
}

export const openCheckpoint = (text: string) => openTestCheckpoint(LOG_KEY, text);
