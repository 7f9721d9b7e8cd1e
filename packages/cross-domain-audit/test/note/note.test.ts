import { isSafetyNetError } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatNote,
  formatVerifierKey,
  MAX_NOTE_SIGNATURES,
  openNote,
  parseAddCheckpoint,
  parseNote,
  signatureLine,
  signNote,
} from '../../src/index.js';
import { LOG, LOG_VERIFIER, WITNESS_A } from '../notes-fixtures.js';

const code = (c: string) => expect.objectContaining({ code: c });
const TEXT = 'hospital.example/audit/main\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n';
const NOTE = signNote(TEXT, [LOG]);
const VKEY = formatVerifierKey(LOG_VERIFIER);

// Text lines: printable, no control characters, not empty.
const line = fc.stringMatching(/^[ -~\u00a0-\u024f]{1,40}$/);
const noteText = fc.array(line, { minLength: 1, maxLength: 6 }).map((lines) => `${lines.join('\n')}\n`);

describe('signed notes: round trips and tampering (fast-check)', () => {
  it('format ∘ parse is the identity on signed notes, and they verify', () => {
    fc.assert(
      fc.property(noteText, (text) => {
        const note = signNote(text, [LOG]);
        expect(formatNote(parseNote(note))).toBe(note);
        expect(openNote(note, [VKEY]).text).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it('a note with any one byte changed never verifies', () => {
    const bytes = new TextEncoder().encode(NOTE);
    fc.assert(
      fc.property(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, delta) => {
        const changed = bytes.slice();
        changed[at] = (changed[at]! + delta) & 0xff;
        expect(() => openNote(changed, [VKEY])).toThrow();
      }),
      { numRuns: 400 },
    );
  });
});

describe('signed notes: garbage in (fast-check)', () => {
  it('answers any text or bytes with a note or a typed error, never anything else', () => {
    const hostile = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }),
      fc.string({ maxLength: 200 }).map((s) => `${TEXT}\n\u2014 ${s}\n`),
      fc.array(fc.constantFrom('\n', '\u2014', ' ', '+', '=', 'A', 'x'), { maxLength: 120 }).map((a) => a.join('')),
    );
    fc.assert(
      fc.property(hostile, (input) => {
        try {
          openNote(input, [VKEY]);
        } catch (e) {
          expect(isSafetyNetError(e)).toBe(true);
        }
        try {
          parseAddCheckpoint(typeof input === 'string' ? input : new TextDecoder().decode(input));
        } catch (e) {
          expect(isSafetyNetError(e)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('signed notes: adversarial input', () => {
  const malformed = (input: string | Uint8Array) =>
    expect(() => openNote(input, [VKEY])).toThrow(code('ERR_AU_NOTE_MALFORMED'));

  it('refuses every truncation', () => {
    for (let n = 0; n < NOTE.length; n++) {
      expect(() => openNote(NOTE.slice(0, n), [VKEY]), `${n}`).toThrow(
        expect.objectContaining({ code: expect.stringMatching(/^ERR_AU_NOTE_(MALFORMED|BAD_SIGNATURE)$/) }),
      );
    }
  });

  it('refuses CRLF line ends, trailing spaces, and a signature line without the em dash', () => {
    malformed(NOTE.replace(/\n/g, '\r\n'));
    // A trailing space in the text is text: the signature no longer covers it.
    expect(() => openNote(NOTE.replace('main\n', 'main \n'), [VKEY])).toThrow(code('ERR_AU_NOTE_BAD_SIGNATURE'));
    malformed(`${NOTE.slice(0, -1)} \n`);
    malformed(NOTE.replace('\u2014', '-'));
    malformed(NOTE.replace('\u2014', '\u2013'));
    malformed(NOTE.replace('\u2014 ', '\u2014  '));
  });

  it('refuses a text with a blank line, a control character, or bytes that are not UTF-8', () => {
    malformed(NOTE.replace('1\n', '1\n\n'));
    malformed(NOTE.replace('1\n', '1\u0000\n'));
    malformed(NOTE.replace('1\n', '1\u007f\n'));
    const bytes = new TextEncoder().encode(NOTE);
    malformed(Uint8Array.from([...bytes.slice(0, 5), 0xc3, 0x28, ...bytes.slice(5)]));
  });

  it('refuses signatures in another base64 alphabet, without padding, or with stray bits', () => {
    const [, , sig] = signatureLine(parseNote(NOTE).signatures[0]!).split(' ');
    malformed(NOTE.replace(sig!, sig!.replace(/=+$/, '')));
    malformed(NOTE.replace(sig!, sig!.replace(/\+/g, '-').replace(/\//g, '_')));
    // The last character before "=" of a 68-byte value carries two stray bits: changing them changes no byte.
    const last = sig!.at(-2)!;
    const stray = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.indexOf(last) ^ 1;
    malformed(
      NOTE.replace(
        sig!,
        `${sig!.slice(0, -2)}${'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'[stray]}=`,
      ),
    );
  });

  it('holds the limits: 64 KiB and 32 signatures', () => {
    const sigLine = NOTE.slice(TEXT.length + 1);
    expect(openNote(TEXT + '\n' + sigLine.repeat(MAX_NOTE_SIGNATURES), [VKEY]).verified).toHaveLength(1);
    malformed(TEXT + '\n' + sigLine.repeat(MAX_NOTE_SIGNATURES + 1));
    malformed(`${'x'.repeat(65_536)}\n\n${sigLine}`);
  });

  it('counts a duplicated signature once, and refuses a duplicate line that fails', () => {
    const sigLine = NOTE.slice(TEXT.length + 1);
    expect(openNote(`${NOTE}${sigLine}`, [VKEY]).verified).toHaveLength(1);
    const other = signNote(TEXT.replace('1\n', '2\n'), [LOG]).split('\n\n')[1]!;
    expect(() => openNote(`${NOTE}${other}`, [VKEY])).toThrow(code('ERR_AU_NOTE_BAD_SIGNATURE'));
  });

  it('ignores a cosignature of a witness it does not know, and checks one it knows', () => {
    const cosigned = signNote(NOTE, [WITNESS_A], { timestamp: 1_772_323_200 });
    expect(cosigned.startsWith(NOTE)).toBe(true);
    expect(openNote(cosigned, [VKEY]).unverified.map((s) => s.name)).toEqual(['witness-a.example']);
    const both = openNote(cosigned, [
      VKEY,
      formatVerifierKey({ ...WITNESS_A, key: { ...WITNESS_A.key, type: 'public' } }),
    ]);
    expect(both.verified.map((s) => [s.name, s.timestamp])).toEqual([
      [LOG.name, 0],
      ['witness-a.example', 1_772_323_200],
    ]);
  });

  it('replaces, not duplicates, a signature when the same key signs again', () => {
    expect(signNote(NOTE, [LOG])).toBe(NOTE);
  });
});
