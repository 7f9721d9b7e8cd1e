import { describe, expect, it } from 'vitest';
import {
  formatSignerKey,
  formatVerifierKey,
  noteVerifierOf,
  openNote,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from '../../src/index.js';

// Published example data of golang.org/x/mod/sumdb/note (its package documentation and note_test.go).
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG =
  '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

// The example of the C2SP signed-note specification ("Verifier keys").
const SPEC_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const SPEC_NOTE =
  'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';

describe('golang.org/x/mod/sumdb/note examples', () => {
  it('reads the signer key and signs exactly the published note', () => {
    const signer = parseSignerKey(PETER_SKEY);
    expect(signer.name).toBe('PeterNeumann');
    expect(signer.keyId).toBe(0xc74f20a3);
    expect(signNote(TEXT, [signer])).toBe(`${TEXT}\n${PETER_SIG}`);
    expect(formatSignerKey(signer)).toBe(PETER_SKEY);
    expect(formatVerifierKey(noteVerifierOf(signer))).toBe(PETER_VKEY);
  });

  it('reads the verifier keys and writes them back byte for byte', () => {
    for (const vkey of [PETER_VKEY, ENOCH_VKEY, SPEC_VKEY])
      expect(formatVerifierKey(parseVerifierKey(vkey))).toBe(vkey);
  });

  it('verifies one signature and ignores the other, as note.Open', () => {
    const opened = openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [PETER_VKEY]);
    expect(opened.text).toBe(TEXT);
    expect(opened.verified.map((s) => s.name)).toEqual(['PeterNeumann']);
    expect(opened.unverified.map((s) => [s.name, s.keyId])).toEqual([['EnochRoot', 0xaf0cfe78]]);
    const both = openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [PETER_VKEY, ENOCH_VKEY]);
    expect(both.verified.map((s) => s.name)).toEqual(['PeterNeumann', 'EnochRoot']);
  });

  it('refuses an unverified note and a corrupted signature by a known key', () => {
    expect(() => openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [])).toThrow(
      expect.objectContaining({ code: 'ERR_AU_NOTE_UNVERIFIED' }),
    );
    const corrupted = `${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
    expect(() => openNote(`${TEXT}\n${corrupted}`, [PETER_VKEY])).toThrow(
      expect.objectContaining({ code: 'ERR_AU_NOTE_BAD_SIGNATURE' }),
    );
  });

  it('counts a repeated signature once', () => {
    const opened = openNote(`${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}`, [PETER_VKEY]);
    expect(opened.verified).toHaveLength(1);
    expect(opened.unverified).toHaveLength(2);
  });

  it('refuses the malformed messages of note_test.go', () => {
    const bad = [
      TEXT,
      `${TEXT}\n`,
      `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\u0001${TEXT}\n${PETER_SIG}`,
      `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
    ];
    for (const msg of bad) {
      expect(() => openNote(msg, [PETER_VKEY]), JSON.stringify(msg)).toThrow(
        expect.objectContaining({ code: 'ERR_AU_NOTE_MALFORMED' }),
      );
    }
    const nonUtf8 = new Uint8Array([0xff, ...new TextEncoder().encode(`${TEXT}\n${PETER_SIG}`)]);
    expect(() => openNote(nonUtf8, [PETER_VKEY])).toThrow(expect.objectContaining({ code: 'ERR_AU_NOTE_MALFORMED' }));
  });

  it('refuses every truncation and every one-character change of the verifier key (as TestNewVerifier)', () => {
    for (let i = 0; i <= PETER_VKEY.length; i++) {
      for (let j = i + 1; j <= PETER_VKEY.length; j++) {
        if (i === 0 && j === PETER_VKEY.length) continue;
        expect(() => parseVerifierKey(PETER_VKEY.slice(i, j))).toThrow();
      }
    }
    for (let i = 0; i < PETER_VKEY.length; i++) {
      const changed =
        PETER_VKEY.slice(0, i) + String.fromCharCode(PETER_VKEY.charCodeAt(i) + 1) + PETER_VKEY.slice(i + 1);
      expect(() => parseVerifierKey(changed), changed).toThrow();
    }
    // Wrong key length and unknown algorithm, each with its key hash adjusted.
    expect(() =>
      parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=='),
    ).toThrow();
    expect(() => parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toThrow();
  });

  it('refuses every truncation and one-character change of the signer key (as TestNewSigner)', () => {
    for (let i = 0; i < PETER_SKEY.length; i++) {
      const changed =
        PETER_SKEY.slice(0, i) + String.fromCharCode(PETER_SKEY.charCodeAt(i) + 1) + PETER_SKEY.slice(i + 1);
      expect(() => parseSignerKey(changed), changed).toThrow();
      expect(() => parseSignerKey(PETER_SKEY.slice(0, i))).toThrow();
      expect(() => parseSignerKey(PETER_SKEY.slice(i + 1))).toThrow();
    }
  });

  it('verifies the example of the C2SP signed-note specification', () => {
    const opened = openNote(SPEC_NOTE, [SPEC_VKEY]);
    expect(opened.text).toBe('This is an example message.\n');
    expect(parseNote(SPEC_NOTE).signatures[0]!.keyId).toBe(0x530d903a);
  });
});
