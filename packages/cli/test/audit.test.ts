import { generateKey, keyToJwk, merkleRoot, publicKeyOf, seededRandom, toHex, utf8 } from '@safety-net/core';
import {
  cosignatureLine,
  formatCheckpoint,
  formatVerifierKey,
  issueEat,
  issueEatJwt,
  noteSigner,
  noteVerifierOf,
  presentEat,
  presentEatJwt,
  signNote,
  witnessSigner,
} from '@safety-net/cross-domain-audit';
import {
  EAT_SAMPLE_KEYS,
  SAMPLE_NOW,
  sampleEatClaims,
  sampleHumanEatClaims,
} from '@safety-net/cross-domain-audit/testing';
import { describe, expect, it } from 'vitest';
import { run } from './helpers.js';

// Published example data of golang.org/x/mod/sumdb/note (its package documentation and note_test.go), the same
// the package's own note tests use: an independent implementation signed these bytes.
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG =
  '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';
const GO_NOTE = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
const hex8 = (id: number) => id.toString(16).padStart(8, '0');

describe('safety-net audit verify-note', () => {
  it("verifies Go's published note and prints its text and the keys that verified", async () => {
    const r = await run(['audit', 'verify-note', '--key', PETER_VKEY, '--key', ENOCH_VKEY, 'n.txt'], {
      'n.txt': GO_NOTE,
    });
    expect(r).toEqual({
      status: 0,
      out: [TEXT.slice(0, -1), 'verified: PeterNeumann+c74f20a3', 'verified: EnochRoot+af0cfe78'],
      err: [],
    });
  });

  it('verifies a checkpoint of the log --origin names', async () => {
    const origin = 'hospital.example/audit/main';
    const log = noteSigner(origin, generateKey('Ed25519', seededRandom('cli-audit/log')));
    const text = formatCheckpoint({ origin, size: 2, rootHash: merkleRoot([utf8('a'), utf8('b')]) });
    const files = { 'c.txt': signNote(text, [log]) };
    const vkey = formatVerifierKey(noteVerifierOf(log));
    const ok = await run(['audit', 'verify-note', '--key', vkey, '--origin', origin, 'c.txt'], files);
    expect(ok.status, ok.err.join()).toBe(0);
    expect(ok.out).toEqual([text.slice(0, -1), `verified: ${origin}+${hex8(log.keyId)}`]);
    const other = await run(['audit', 'verify-note', '--key', vkey, '--origin', 'other.example/log', 'c.txt'], files);
    expect(other.status).toBe(1);
    expect(other.err[0]).toMatch(/^ERR_AU_ORIGIN_MISMATCH: /);
  });

  it("lists a witness's cosignature with its timestamp, and still requires the log's signature", async () => {
    const origin = 'hospital.example/audit/main';
    const log = noteSigner(origin, generateKey('Ed25519', seededRandom('cli-audit/log')));
    const witness = witnessSigner('witness.example', generateKey('Ed25519', seededRandom('cli-audit/witness')));
    const text = formatCheckpoint({ origin, size: 1, rootHash: merkleRoot([utf8('a')]) });
    const files = { 'c.txt': `${signNote(text, [log])}${cosignatureLine(witness, text, SAMPLE_NOW)}\n` };
    const [logKey, witnessKey] = [log, witness].map((s) => formatVerifierKey(noteVerifierOf(s)));
    const both = await run(
      ['audit', 'verify-note', '--key', logKey!, '--key', witnessKey!, '--origin', origin, 'c.txt'],
      files,
    );
    expect(both.status, both.err.join()).toBe(0);
    expect(both.out.slice(1)).toEqual([
      `verified: ${origin}+${hex8(log.keyId)}`,
      `verified: witness.example+${hex8(witness.keyId)} at ${SAMPLE_NOW}`,
    ]);
    const witnessOnly = await run(['audit', 'verify-note', '--key', witnessKey!, '--origin', origin, 'c.txt'], files);
    expect(witnessOnly.status).toBe(1);
    expect(witnessOnly.err[0]).toMatch(/^ERR_AU_CONFIG_INVALID: /);
  });

  it('ignores signatures by keys not given', async () => {
    const r = await run(['audit', 'verify-note', '--key', ENOCH_VKEY, 'n.txt'], { 'n.txt': GO_NOTE });
    expect(r.status).toBe(0);
    expect(r.out.slice(1)).toEqual(['verified: EnochRoot+af0cfe78']);
  });

  it('exits 1 with the code for a corrupted signature, an unknown signer and a text that is not a checkpoint', async () => {
    const corrupted = `${TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
    const bad = await run(['audit', 'verify-note', '--key', PETER_VKEY, 'n.txt'], { 'n.txt': corrupted });
    expect(bad.status).toBe(1);
    expect(bad.err[0]).toMatch(/^ERR_AU_NOTE_BAD_SIGNATURE: /);
    // The C2SP signed-note specification's example key: well formed, not a signer of this note.
    const other = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
    const unknown = await run(['audit', 'verify-note', '--key', other, 'n.txt'], { 'n.txt': GO_NOTE });
    expect(unknown.status).toBe(1);
    expect(unknown.err[0]).toMatch(/^ERR_AU_NOTE_UNVERIFIED: /);
    const origin = await run(['audit', 'verify-note', '--key', PETER_VKEY, '--origin', 'PeterNeumann', 'n.txt'], {
      'n.txt': GO_NOTE,
    });
    expect(origin.status).toBe(1);
    expect(origin.err[0]).toMatch(/^ERR_AU_CHECKPOINT_MALFORMED: /);
    // A key whose ID is not the hash of its name and key is refused like the CLI's other bad keys.
    const forged = await run(
      ['audit', 'verify-note', '--key', 'PeterNeumann+00000000+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', 'n.txt'],
      { 'n.txt': GO_NOTE },
    );
    expect(forged.status).toBe(1);
    expect(forged.err[0]).toMatch(/^ERR_KEY_INVALID: /);
  });

  it('exits 2 without --key, with an unknown subcommand and for a missing file', async () => {
    for (const argv of [
      ['audit', 'verify-note', 'n.txt'],
      ['audit', 'verify-notes', '--key', PETER_VKEY, 'n.txt'],
      ['audit'],
      ['audit', 'verify-note', '--key', PETER_VKEY, 'absent.txt'],
    ]) {
      const r = await run(argv, { 'n.txt': GO_NOTE });
      expect(r.status, argv.join(' ')).toBe(2);
      expect(r.out).toEqual([]);
    }
  });
});

describe('safety-net audit verify-sd', () => {
  const issuer = JSON.stringify(keyToJwk(publicKeyOf(EAT_SAMPLE_KEYS.domain)));
  const now = String(SAMPLE_NOW);
  const human = issueEat(sampleHumanEatClaims, EAT_SAMPLE_KEYS.domain, { random: seededRandom('cli-audit') });
  const humanJwt = issueEatJwt(sampleHumanEatClaims, EAT_SAMPLE_KEYS.domain, { random: seededRandom('cli-audit') });
  const binding = { key: EAT_SAMPLE_KEYS.holder, audience: 'auditor.example', nonce: 'n-1', iat: SAMPLE_NOW };

  it('prints the claims an SD-CWT (hex) and an SD-JWT disclose to a privacy officer', async () => {
    const files = {
      'k.json': issuer,
      'p.hex': toHex(presentEat(human, { role: 'privacy_officer' })),
      'p.sdjwt': presentEatJwt(humanJwt, { role: 'privacy_officer' }),
    };
    for (const file of ['p.hex', 'p.sdjwt']) {
      const r = await run(['audit', 'verify-sd', '--key', 'k.json', '--now', now, file], files);
      expect(r.status, r.err.join()).toBe(0);
      const printed = JSON.parse(r.out[0]!);
      expect(printed.claims.sub).toBe('clinician-4711');
      expect(printed.claims.reg.subjects).toEqual(sampleHumanEatClaims.reg.subjects);
      expect(printed.disclosed).toContain('reg.subjects');
      expect(printed.keyBound).toBe(false);
    }
  });

  it('checks the key binding for --aud and --nonce, and refuses another nonce or none', async () => {
    const files = {
      'k.json': issuer,
      'bound.bin': presentEat(human, { role: 'privacy_officer' }, binding),
      'unbound.bin': presentEat(human, { role: 'privacy_officer' }),
    };
    const args = ['audit', 'verify-sd', '--key', 'k.json', '--now', now, '--aud', 'auditor.example'];
    const ok = await run([...args, '--nonce', 'n-1', 'bound.bin'], files);
    expect(ok.status, ok.err.join()).toBe(0);
    expect(JSON.parse(ok.out[0]!).keyBound).toBe(true);
    for (const [nonce, file] of [
      ['n-2', 'bound.bin'],
      ['n-1', 'unbound.bin'],
    ]) {
      const r = await run([...args, '--nonce', nonce!, file!], files);
      expect(r.status).toBe(1);
      expect(r.err[0]).toMatch(/^ERR_AU_KEY_BINDING: /);
    }
  });

  it("refuses another issuer's key and a disclosure beyond the role", async () => {
    const presented = presentEat(issueEat(sampleEatClaims, EAT_SAMPLE_KEYS.domain), { role: 'privacy_officer' });
    const files = {
      'k.json': issuer,
      'holder.json': JSON.stringify(keyToJwk(publicKeyOf(EAT_SAMPLE_KEYS.holder))),
      'p.bin': presentEat(human, { role: 'privacy_officer' }),
      'agent.bin': presented,
    };
    const wrongKey = await run(['audit', 'verify-sd', '--key', 'holder.json', '--now', now, 'agent.bin'], files);
    expect(wrongKey.status).toBe(1);
    expect(wrongKey.err[0]).toMatch(/^ERR_/);
    const role = ['audit', 'verify-sd', '--key', 'k.json', '--now', now, '--role', 'hipaa_auditor', 'p.bin'];
    const beyond = await run(role, files);
    expect(beyond.status).toBe(1);
    expect(beyond.err[0]).toMatch(/^ERR_AU_VISIBILITY: /);
  });

  it('exits 2 without --key or with --aud alone', async () => {
    for (const argv of [
      ['audit', 'verify-sd', 'p.bin'],
      ['audit', 'verify-sd', '--key', 'k.json', '--aud', 'auditor.example', 'p.bin'],
    ]) {
      const r = await run(argv, { 'k.json': issuer, 'p.bin': new Uint8Array([1]) });
      expect(r.status, argv.join(' ')).toBe(2);
    }
  });
});
