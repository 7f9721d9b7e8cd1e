import { fixedClock, utf8 } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { cosignatureLine, formatVerifierKey, noteVerifierOf, parseNote, type WitnessPolicy } from '../../src/index.js';
import { SAMPLE_NOW } from '../../src/testing.js';
import { CheckpointLedger } from '../../src/trace/checkpoint-ledger.js';
import { checkpointOf, LOG_VERIFIER, leaves, ORIGIN, WITNESS_A } from '../notes-fixtures.js';

const POLICY: WitnessPolicy = {
  log: { origin: ORIGIN, keys: [formatVerifierKey(LOG_VERIFIER)] },
  witnesses: [{ name: WITNESS_A.name, key: formatVerifierKey(noteVerifierOf(WITNESS_A)) }],
  quorum: 1,
};
const ledger = () => new CheckpointLedger(new Map([[ORIGIN, POLICY]]), fixedClock(SAMPLE_NOW * 1000));
const witnessed = (note: string) => `${note}${cosignatureLine(WITNESS_A, parseNote(note).text, SAMPLE_NOW)}\n`;
/** The log's signed checkpoint of 4 leaves, the last one other than the honest tree's. */
const forked = checkpointOf(4, [...leaves(3), utf8('another entry 3')]);

describe('the checkpoints a trace meets', () => {
  it('relies on a witnessed checkpoint and names an unwitnessed or forged one', () => {
    const l = ledger();
    const ok = l.accept(ORIGIN, witnessed(checkpointOf(4)));
    expect(ok.ok && ok.checkpoint.size).toBe(4);
    expect(l.accept(ORIGIN, checkpointOf(4))).toEqual({
      ok: false,
      gap: { kind: 'checkpoint_unwitnessed', log: ORIGIN, code: 'ERR_AU_COSIGNATURE_QUORUM' },
    });
    const tampered = checkpointOf(4).replace('\n4\n', '\n5\n');
    expect(l.accept(ORIGIN, tampered)).toEqual({
      ok: false,
      gap: { kind: 'proof_failed', log: ORIGIN, code: 'ERR_AU_NOTE_BAD_SIGNATURE' },
    });
    expect(l.accept('other.example/log', checkpointOf(4))).toMatchObject({ ok: false, gap: { kind: 'proof_failed' } });
    expect(l.forks).toEqual([]);
  });

  it('keeps two checkpoints of one size with different roots as a fork, once, even unwitnessed', () => {
    const l = ledger();
    l.accept(ORIGIN, witnessed(checkpointOf(4)));
    l.accept(ORIGIN, checkpointOf(4));
    expect(l.forks).toEqual([]);
    expect(l.accept(ORIGIN, forked)).toMatchObject({ ok: false, gap: { kind: 'checkpoint_unwitnessed' } });
    l.accept(ORIGIN, forked);
    expect(l.forks).toEqual([{ origin: ORIGIN, kind: 'same_size', a: witnessed(checkpointOf(4)), b: forked }]);
  });
});
