import { merkleRoot } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import {
  formatCheckpoint,
  formatVerifierKey,
  noteCheckpointSigner,
  parseCheckpoint,
  signNote,
  toStdBase64,
  verifyCheckpoint,
} from '../../src/index.js';
import { LOG, LOG_VERIFIER, leaves, ORIGIN, WITNESS_A } from '../notes-fixtures.js';

const code = (c: string) => expect.objectContaining({ code: c });
const VKEY = formatVerifierKey(LOG_VERIFIER);
const ROOT = merkleRoot(leaves(5));

describe('checkpoints (C2SP tlog-checkpoint)', () => {
  it('signs a tree head as origin, size and root lines, and verifies it back', async () => {
    const note = await noteCheckpointSigner(LOG, ORIGIN)({ origin: ORIGIN, size: 5, rootHash: ROOT });
    expect(note.split('\n').slice(0, 4)).toEqual([ORIGIN, '5', toStdBase64(ROOT), '']);
    const verified = verifyCheckpoint(note, [VKEY], { origin: ORIGIN });
    expect(verified.size).toBe(5);
    expect(verified.rootHash).toEqual(ROOT);
    expect(verified.extensions).toEqual([]);
  });

  it('reads the example checkpoint of the C2SP tlog-cosignature specification', () => {
    const text = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
    const checkpoint = parseCheckpoint(text);
    expect([checkpoint.origin, checkpoint.size]).toEqual(['example.com/behind-the-sofa', 20852163]);
    expect(formatCheckpoint(checkpoint)).toBe(text);
  });

  it('returns extension lines, which our logs never write', () => {
    expect(parseCheckpoint(`${ORIGIN}\n5\n${toStdBase64(ROOT)}\nrekor-extra\n`).extensions).toEqual(['rekor-extra']);
  });

  it('refuses bodies that break the syntax', () => {
    const root = toStdBase64(ROOT);
    const bad = [
      `${ORIGIN}\n0123\n${root}\n`,
      `${ORIGIN}\n-1\n${root}\n`,
      `${ORIGIN}\n1e3\n${root}\n`,
      `${ORIGIN}\n9007199254740992\n${root}\n`,
      `${ORIGIN}\n5\n${root.slice(0, -1)}\n`,
      `${ORIGIN}\n5\n${toStdBase64(ROOT.subarray(1))}\n`,
      `${ORIGIN}\n5\n`,
      `bad origin\n5\n${root}\n`,
      `a+b\n5\n${root}\n`,
      `${ORIGIN}\n5\n${root}`,
    ];
    for (const text of bad) expect(() => parseCheckpoint(text), text).toThrow(code('ERR_AU_CHECKPOINT_MALFORMED'));
  });

  it('refuses a signed note whose text is not a checkpoint, a checkpoint of another log, and a cosignature alone', () => {
    const leadingZero = signNote(`${ORIGIN}\n05\n${toStdBase64(ROOT)}\n`, [LOG]);
    expect(() => verifyCheckpoint(leadingZero, [VKEY], { origin: ORIGIN })).toThrow(
      code('ERR_AU_CHECKPOINT_MALFORMED'),
    );
    const trailingSpace = signNote(`${ORIGIN} \n5\n${toStdBase64(ROOT)}\n`, [LOG]);
    expect(() => verifyCheckpoint(trailingSpace, [VKEY], { origin: ORIGIN })).toThrow(
      code('ERR_AU_CHECKPOINT_MALFORMED'),
    );
    const good = signNote(formatCheckpoint({ origin: ORIGIN, size: 5, rootHash: ROOT }), [LOG]);
    expect(() => verifyCheckpoint(good, [VKEY], { origin: 'other.example/audit/main' })).toThrow(
      code('ERR_AU_ORIGIN_MISMATCH'),
    );
    const witnessVkey = formatVerifierKey({ ...WITNESS_A, key: { ...WITNESS_A.key, type: 'public' } });
    expect(() => verifyCheckpoint(good, [witnessVkey], { origin: ORIGIN })).toThrow(code('ERR_AU_CONFIG_INVALID'));
  });

  it('signs only for its origin, with a key named for it', async () => {
    expect(() => noteCheckpointSigner(LOG, 'other.example/audit/main')).toThrow(code('ERR_AU_CONFIG_INVALID'));
    await expect(
      noteCheckpointSigner(LOG, ORIGIN)({ origin: 'other.example/audit/main', size: 1, rootHash: ROOT }),
    ).rejects.toThrow(code('ERR_AU_ORIGIN_MISMATCH'));
  });
});
