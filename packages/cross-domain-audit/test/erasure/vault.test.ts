import { decodeCbor, decodeSign1, seededRandom } from '@safety-net/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { builtinProfiles, bytesKeyEncryptionKey, DisclosureVault, issueEat, sdCwtIssuedForm } from '../../src/index.js';
import { EAT_SAMPLE_KEYS, sampleEatClaims } from '../../src/testing.js';
import { cleanup, closeAll, STORES } from './stores.js';

const claims = {
  ...sampleEatClaims,
  reg: { ...sampleEatClaims.reg, profiles: [builtinProfiles().ref('gdpr-art30')] },
};
const issued = issueEat(claims, EAT_SAMPLE_KEYS.domain, { random: seededRandom('vault-test') });
const leafHash = new Uint8Array(32).fill(7);
const subjects = new Map(
  issued.disclosures.filter((d) => d.path === 'reg.subjects').map((d, i) => [d.digest, `patient-${i}`]),
);
const kek = () => bytesKeyEncryptionKey('kek-1', new Uint8Array(32).fill(1), seededRandom('kek'));
const sdClaims = (presentation: Uint8Array) =>
  (decodeSign1(presentation).unprotectedHeader.get(17) ?? []) as Uint8Array[];

afterEach(cleanup);
afterAll(closeAll);

describe.each(STORES)('disclosure vault on %s', (_name, makeStore) => {
  const stored = async () => {
    const store = await makeStore();
    const vault = new DisclosureVault({ store, kek: kek(), random: seededRandom('vault') });
    await vault.storeEat(issued, { entry: { index: 3, leafHash }, subjects });
    return { store, vault };
  };

  it('keeps only ciphertext, opens each disclosure to its issued bytes, one key per subject', async () => {
    const { store, vault } = await stored();
    const sealed = await store.disclosures(leafHash);
    expect(sealed).toHaveLength(issued.disclosures.length);
    for (const d of issued.disclosures) {
      const box = sealed.find((s) => s.digest === d.digest)!;
      expect(Buffer.from(box.box).includes(Buffer.from(d.disclosure))).toBe(false);
      expect(await vault.open(leafHash, d.digest)).toEqual(d.disclosure);
    }
    expect((await store.wrappedKeys()).map((k) => k.owner)).toEqual(['patient-0', 'patient-1']);
  });

  it('releases to a role exactly what the profiles let it see, as a presentation of the logged token', async () => {
    const { vault } = await stored();
    const dpo = await vault.present(leafHash, { role: 'dpo' });
    expect(sdCwtIssuedForm(dpo)).toEqual(issued.token);
    expect(sdClaims(dpo)).toHaveLength(issued.disclosures.length);
    const auditor = await vault.present(leafHash, { role: 'gdpr_auditor' });
    // GDPR redacts the subjects only, and its auditor role may not see them.
    expect(issued.disclosures.map((d) => d.path)).toEqual(['reg.subjects', 'reg.subjects']);
    expect(sdClaims(auditor)).toEqual([]);
    expect(sdClaims(dpo).map((b) => (decodeCbor(b) as unknown[]).length)).toEqual([2, 2]);
    await expect(vault.present(leafHash, { role: 'gdpr_auditor', fields: ['reg.subjects'] })).rejects.toMatchObject({
      code: 'ERR_AU_VISIBILITY',
    });
  });

  it('refuses a tampered or moved ciphertext as ERR_AU_DECRYPT_FAILED', async () => {
    const { store, vault } = await stored();
    const [first, second] = await store.disclosures(leafHash);
    const box = Uint8Array.from(first!.box);
    box[30]! ^= 1;
    await store.putRecord((await store.record(leafHash))!, [{ ...first!, box }], []);
    await expect(vault.open(leafHash, first!.digest)).rejects.toMatchObject({ code: 'ERR_AU_DECRYPT_FAILED' });
    await expect(vault.present(leafHash, { role: 'dpo' })).rejects.toMatchObject({ code: 'ERR_AU_DECRYPT_FAILED' });
    // The same box under another record's leaf hash.
    const other = new Uint8Array(32).fill(9);
    await store.putRecord(
      { ...(await store.record(leafHash))!, leafHash: other },
      [{ ...second!, leafHash: other }],
      [],
    );
    await expect(vault.open(other, second!.digest)).rejects.toMatchObject({ code: 'ERR_AU_DECRYPT_FAILED' });
  });

  it('rotates the key-encryption key: keys re-wrapped, the old key destroyed', async () => {
    const { store, vault } = await stored();
    const old = kek();
    const rotating = new DisclosureVault({ store, kek: old });
    const next = bytesKeyEncryptionKey('kek-2', new Uint8Array(32).fill(2));
    await rotating.rotate(next);
    expect((await store.wrappedKeys()).every((k) => k.kek === 'kek-2')).toBe(true);
    await expect(old.wrap(new Uint8Array(32), 'x')).rejects.toMatchObject({ code: 'ERR_AU_CONFIG_INVALID' });
    const d = issued.disclosures[0]!;
    expect(await rotating.open(leafHash, d.digest)).toEqual(d.disclosure);
    await expect(vault.open(leafHash, d.digest)).rejects.toMatchObject({ code: 'ERR_AU_DECRYPT_FAILED' });
  });
});
