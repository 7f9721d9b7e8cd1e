import {
  decodeSign,
  encodeCbor,
  encodeCoseKey,
  keyToJwk,
  publicKeyOf,
  signSign,
  Tagged,
  toBase64Url,
} from '@safety-net/core';
import { generalVerify, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  acceptPolicy,
  authorizeSignal,
  type HeldPolicy,
  Revocations,
  verifySignal,
  verifySignalJws,
} from '../../src/authority/index.js';
import {
  type AuthorityPolicyClaims,
  acknowledgement,
  assembleSignal,
  assembleSignalJws,
  authorityPolicy,
  cosignSignal,
  cosignSignalJws,
  type OverrideSignalClaims,
  overrideSignal,
} from '../../src/index.js';
import {
  sampleReleaseClaims as release,
  SAMPLE_KEYS,
  sampleKey,
  sampleTwoPersonPolicyClaims,
} from '../../src/testing.js';
import { clock, NOW, strangerKey } from '../messages/fixtures.js';

const { safetyOfficer: olu, safetyOfficer2: ines, supervisor: sam } = SAMPLE_KEYS;
const held = (claims: AuthorityPolicyClaims) =>
  acceptPolicy(authorityPolicy.sign(claims, SAMPLE_KEYS.authority), {
    authority: publicKeyOf(SAMPLE_KEYS.authority),
    clock,
  });
const policy = held(sampleTwoPersonPolicyClaims);
const oluSecondKey = sampleKey('op-safety-officer-spare');
/** The same policy where Olu holds a second key: two signatures of one operator. */
const twoKeyPolicy = held({
  ...sampleTwoPersonPolicyClaims,
  operators: sampleTwoPersonPolicyClaims.operators.map((op) =>
    op.id === 'mailto:olu@example.org'
      ? { ...op, keys: [...op.keys, toBase64Url(encodeCoseKey(publicKeyOf(oluSecondKey)))] }
      : op,
  ),
});

/** Verifies and judges signal bytes; the outcome's code, or the operators that counted. */
function judge(bytes: Uint8Array, under: HeldPolicy = policy, revocations = new Revocations()): string | string[] {
  try {
    const { claims, signers } = verifySignal(bytes, under, clock);
    return authorizeSignal(claims, signers, { policy: under, revocations, now: NOW }).operators as string[];
  } catch (e) {
    return (e as { code: string }).code;
  }
}
const cosigned = (claims: OverrideSignalClaims, ...keys: (typeof olu)[]) =>
  assembleSignal(keys.map((k) => cosignSignal(claims, k)));

describe('the two-person rule (spec §5.4)', () => {
  it('authorises a release both safety officers signed, as one COSE_Sign over one body', () => {
    const bytes = cosigned(release, olu, ines);
    const decoded = decodeSign(bytes, { tag: 'tagged' });
    expect(decoded.signatures).toHaveLength(2);
    expect(judge(bytes)).toEqual(['mailto:olu@example.org', 'mailto:ines@example.org']);
  });

  it('refuses with ERR_OV_QUORUM: one signature, the same key twice, two keys of one operator', () => {
    expect(judge(cosigned(release, olu))).toBe('ERR_OV_QUORUM');
    expect(judge(cosigned(release, olu, olu))).toBe('ERR_OV_QUORUM');
    expect(judge(cosigned(release, olu, oluSecondKey), twoKeyPolicy)).toBe('ERR_OV_QUORUM');
    expect(judge(overrideSignal.sign(release, olu))).toBe('ERR_OV_QUORUM');
    // Under the policy where Olu has two keys, Olu and Ines still make two.
    expect(judge(cosigned(release, oluSecondKey, ines), twoKeyPolicy)).toEqual([
      'mailto:olu@example.org',
      'mailto:ines@example.org',
    ]);
  });

  it('does not count a forged signature, a stranger’s, or one over another body', () => {
    const good = cosigned(release, olu, ines);
    const decoded = decodeSign(good);
    const [first, second] = decoded.signatures;
    const rebuilt = (sig: typeof second) =>
      encodeCbor(
        new Tagged(98, [
          decoded.protectedBytes,
          decoded.unprotectedHeader,
          decoded.payload,
          [first, sig].map((s) => [s!.protectedBytes, s!.unprotectedHeader, s!.signature]),
        ]),
      );
    const flipped = Uint8Array.from(second!.signature);
    flipped[5]! ^= 1;
    expect(judge(rebuilt({ ...second!, signature: flipped }))).toBe('ERR_OV_QUORUM');
    // Ines's signature of another release, spliced under Olu's body.
    const other = decodeSign(cosignSignal({ ...release, reason: 'something else' }, ines)).signatures[0];
    expect(judge(rebuilt(other))).toBe('ERR_OV_QUORUM');
    expect(judge(cosigned(release, olu, strangerKey))).toBe('ERR_OV_QUORUM');
    // Assembling parts that sign different bodies is refused outright.
    expect(() => assembleSignal([cosignSignal(release, olu), cosignSignal({ ...release, seq: 46 }, ines)])).toThrow(
      expect.objectContaining({ code: 'ERR_INPUT_INVALID' }),
    );
  });

  it('does not count a revoked co-signer; a revoked issuer is ERR_OV_KEY_REVOKED', () => {
    const revoke = (key: typeof olu) => new Revocations([{ kid: toBase64Url(key.kid!), revoked_at: NOW - 10 }]);
    expect(judge(cosigned(release, olu, ines), policy, revoke(ines))).toBe('ERR_OV_QUORUM');
    expect(judge(cosigned(release, olu, ines), policy, revoke(olu))).toBe('ERR_OV_KEY_REVOKED');
  });

  it('needs the issuer among the signers, acting in a role it holds', () => {
    expect(judge(cosigned(release, ines, sam))).toBe('ERR_OV_UNAUTHORIZED');
    expect(judge(cosigned({ ...release, iss: 'mailto:sam@example.org' }, olu, ines))).toBe('ERR_OV_UNAUTHORIZED');
  });

  it('refuses more than 16 signatures, and a COSE_Sign with another typ or none', () => {
    const many = Array.from({ length: 17 }, () => cosignSignal(release, olu));
    expect(() => assembleSignal(many)).toThrow(expect.objectContaining({ code: 'ERR_INPUT_INVALID' }));
    const decoded = decodeSign(cosigned(release, olu, ines));
    const sigs = decoded.signatures.map((s) => [s.protectedBytes, s.unprotectedHeader, s.signature]);
    const seventeen = encodeCbor(
      new Tagged(98, [decoded.protectedBytes, decoded.unprotectedHeader, decoded.payload, Array(9).fill(sigs).flat()]),
    );
    expect(judge(seventeen)).toBe('ERR_INPUT_INVALID');
    const ackTyp = signSign(decoded.payload!, [{ key: olu }, { key: ines }], {
      protectedHeader: { typ: acknowledgement.typ },
    });
    expect(judge(ackTyp)).toBe('ERR_COSE_TYP_MISMATCH');
    expect(judge(signSign(decoded.payload!, [{ key: olu }]))).toBe('ERR_COSE_TYP_MISSING');
  });

  it('fails verification with ERR_COSE_BAD_SIGNATURE when no signature verifies', () => {
    expect(judge(cosigned(release, strangerKey))).toBe('ERR_COSE_BAD_SIGNATURE');
  });
});

describe('the two-person rule in JOSE form: the JWS JSON General Serialization', () => {
  it('authorises two operators, and jose’s own general verifier accepts each signature', async () => {
    const jws = assembleSignalJws([await cosignSignalJws(release, olu), await cosignSignalJws(release, ines)]);
    const { claims, signers } = await verifySignalJws(jws, policy, clock);
    expect(authorizeSignal(claims, signers, { policy, revocations: new Revocations(), now: NOW }).operators).toEqual([
      'mailto:olu@example.org',
      'mailto:ines@example.org',
    ]);
    for (const key of [olu, ines]) {
      const verified = await generalVerify(
        jws as never,
        await importJWK(keyToJwk(publicKeyOf(key)) as never, 'EdDSA'),
      ).catch(() => undefined);
      expect(verified?.protectedHeader?.typ).toBe('ov-signal+jwt');
    }
  });

  it('does not count a forged signature (ERR_OV_QUORUM) and refuses other payloads at assembly', async () => {
    const a = await cosignSignalJws(release, olu);
    const b = await cosignSignalJws(release, ines);
    const sig = b.signatures[0]!;
    const forged = { ...sig, signature: `${sig.signature.slice(0, -2)}AA` };
    const { claims, signers } = await verifySignalJws(
      { payload: a.payload, signatures: [...a.signatures, forged] },
      policy,
      clock,
    );
    expect(() => authorizeSignal(claims, signers, { policy, revocations: new Revocations(), now: NOW })).toThrow(
      expect.objectContaining({ code: 'ERR_OV_QUORUM' }),
    );
    const other = await cosignSignalJws({ ...release, seq: 46 }, ines);
    expect(() => assembleSignalJws([a, other])).toThrow(expect.objectContaining({ code: 'ERR_INPUT_INVALID' }));
    await expect(verifySignalJws({ payload: a.payload, signatures: [forged] }, policy, clock)).rejects.toMatchObject({
      code: 'ERR_JOSE_BAD_SIGNATURE',
    });
  });
});
