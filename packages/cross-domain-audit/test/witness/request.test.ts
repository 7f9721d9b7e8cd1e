import { describe, expect, it } from 'vitest';
import { formatAddCheckpoint, MAX_PROOF_LINES, parseAddCheckpoint } from '../../src/index.js';
import { checkpointOf } from '../notes-fixtures.js';

const code = (c: string) => expect.objectContaining({ code: c });
const hash = (i: number) => new Uint8Array(32).fill(i);

describe('add-checkpoint request bodies (C2SP tlog-witness)', () => {
  it('round-trips old size, proof lines and the note', () => {
    const request = { oldSize: 9, proof: [hash(1), hash(2)], checkpoint: checkpointOf(12) };
    const body = formatAddCheckpoint(request);
    expect(body.startsWith(`old 9\n${'AQEB'.repeat(10)}AQE=\n`)).toBe(true);
    expect(parseAddCheckpoint(body)).toEqual(request);
  });

  it('takes 63 proof lines and refuses 64', () => {
    const proof = Array.from({ length: MAX_PROOF_LINES + 1 }, (_, i) => hash(i));
    const note = checkpointOf(3);
    expect(
      parseAddCheckpoint(formatAddCheckpoint({ oldSize: 2, proof: proof.slice(1), checkpoint: note })).proof,
    ).toHaveLength(63);
    expect(() => parseAddCheckpoint(formatAddCheckpoint({ oldSize: 2, proof, checkpoint: note }))).toThrow(
      code('ERR_AU_NOTE_MALFORMED'),
    );
  });

  it('refuses a malformed first line, a short hash, a proof from 0, and no empty line', () => {
    const note = checkpointOf(3);
    for (const body of [
      `old 02\n\n${note}`,
      `old  2\n\n${note}`,
      `Old 2\n\n${note}`,
      `old 2\nAAAA\n\n${note}`,
      `old 0\n${'A'.repeat(43)}=\n\n${note}`,
      `old 2\r\n\r\n${note}`,
      `old 2\n${note}`,
    ]) {
      expect(() => parseAddCheckpoint(body), JSON.stringify(body)).toThrow(code('ERR_AU_NOTE_MALFORMED'));
    }
  });
});
