import { fixedClock } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import {
  cosignatureLine,
  formatVerifierKey,
  noteVerifierOf,
  parseNote,
  verifyCosigned,
  type WitnessPolicy,
} from '../../src/index.js';
import { SAMPLE_NOW } from '../../src/testing.js';
import { checkpointOf, LOG_VERIFIER, ORIGIN, WITNESS_A, WITNESS_B } from '../notes-fixtures.js';

const code = (c: string) => expect.objectContaining({ code: c });
const vkey = (s: typeof WITNESS_A) => formatVerifierKey(noteVerifierOf(s));
const POLICY: WitnessPolicy = {
  log: { origin: ORIGIN, keys: [formatVerifierKey(LOG_VERIFIER)] },
  witnesses: [
    { name: WITNESS_A.name, key: vkey(WITNESS_A) },
    { name: WITNESS_B.name, key: vkey(WITNESS_B) },
  ],
  quorum: 2,
  max_age: 3600,
};
const clock = fixedClock(SAMPLE_NOW * 1000);
const NOTE = checkpointOf(4);
const TEXT = parseNote(NOTE).text;
const cosigned = (...lines: string[]) => `${NOTE}${lines.map((l) => `${l}\n`).join('')}`;

describe('witness policy (k of n cosignatures, freshness)', () => {
  it('accepts a checkpoint cosigned by the quorum, naming the witnesses counted', () => {
    const note = cosigned(
      cosignatureLine(WITNESS_A, TEXT, SAMPLE_NOW - 10),
      cosignatureLine(WITNESS_B, TEXT, SAMPLE_NOW),
    );
    const verified = verifyCosigned(note, POLICY, { clock });
    expect(verified.size).toBe(4);
    expect(verified.witnesses.map((w) => w.name)).toEqual([WITNESS_A.name, WITNESS_B.name]);
  });

  it('counts a witness once however many times it cosigns', () => {
    const a = cosignatureLine(WITNESS_A, TEXT, SAMPLE_NOW);
    expect(() => verifyCosigned(cosigned(a, a), POLICY, { clock })).toThrow(code('ERR_AU_COSIGNATURE_QUORUM'));
  });

  it('does not count a stale cosignature, or one from beyond the skew', () => {
    const b = cosignatureLine(WITNESS_B, TEXT, SAMPLE_NOW);
    const stale = cosignatureLine(WITNESS_A, TEXT, SAMPLE_NOW - 3601);
    const future = cosignatureLine(WITNESS_A, TEXT, SAMPLE_NOW + 31);
    expect(() => verifyCosigned(cosigned(stale, b), POLICY, { clock })).toThrow(code('ERR_AU_COSIGNATURE_QUORUM'));
    expect(() => verifyCosigned(cosigned(future, b), POLICY, { clock })).toThrow(code('ERR_AU_COSIGNATURE_QUORUM'));
    expect(
      verifyCosigned(cosigned(cosignatureLine(WITNESS_A, TEXT, SAMPLE_NOW + 30), b), POLICY, { clock }).witnesses,
    ).toHaveLength(2);
  });

  it('refuses a cosignature over another checkpoint as a bad signature', () => {
    const otherText = parseNote(checkpointOf(5)).text;
    const wrong = cosignatureLine(WITNESS_A, otherText, SAMPLE_NOW);
    expect(() => verifyCosigned(cosigned(wrong), POLICY, { clock })).toThrow(code('ERR_AU_NOTE_BAD_SIGNATURE'));
  });

  it('requires the log’s own signature and origin', () => {
    const onlyWitnesses = `${TEXT}\n${cosignatureLine(WITNESS_A, TEXT, SAMPLE_NOW)}\n${cosignatureLine(WITNESS_B, TEXT, SAMPLE_NOW)}\n`;
    expect(() => verifyCosigned(onlyWitnesses, POLICY, { clock })).toThrow(code('ERR_AU_NOTE_UNVERIFIED'));
    const other = { ...POLICY, log: { ...POLICY.log, origin: 'other.example/audit/main' } };
    expect(() => verifyCosigned(cosigned(), other, { clock })).toThrow(code('ERR_AU_ORIGIN_MISMATCH'));
  });

  it('accepts quorum 0 on the log signature alone, and refuses policies that break the schema', () => {
    expect(verifyCosigned(cosigned(), { ...POLICY, quorum: 0 }, { clock }).witnesses).toEqual([]);
    const broken: WitnessPolicy[] = [
      { ...POLICY, quorum: 3 },
      { ...POLICY, witnesses: [POLICY.witnesses[0]!, POLICY.witnesses[0]!] },
      { ...POLICY, witnesses: [{ name: 'someone-else', key: vkey(WITNESS_A) }] },
      { ...POLICY, witnesses: [{ name: ORIGIN, key: formatVerifierKey(LOG_VERIFIER) }] },
    ];
    for (const p of broken)
      expect(() => verifyCosigned(cosigned(), p, { clock })).toThrow(code('ERR_AU_CONFIG_INVALID'));
  });

  it('reads the cosignature line of the C2SP tlog-cosignature example: key ID, then the timestamp 1679315147', () => {
    const line =
      '— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==';
    const note = parseNote(
      `example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n${line}\n`,
    );
    const sig = note.signatures[0]!;
    expect(sig.keyId).toBe(0x8d66cf3f);
    expect(sig.signature).toHaveLength(72);
    expect(new DataView(sig.signature.buffer, sig.signature.byteOffset).getBigUint64(0)).toBe(1679315147n);
  });
});
