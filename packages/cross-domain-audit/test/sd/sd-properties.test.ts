/**
 * Properties of both selective disclosure forms: issue → present any subset of the disclosures → verify gives back
 * exactly that subset in place (a nested disclosure presented without the one that holds its digest is refused),
 * and any tampered disclosure is refused.
 */

import { seededRandom } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IssuedDisclosure } from '../../src/sd/blind.js';
import { issueSdCwt, presentSdCwt, verifySdCwt } from '../../src/sd/sd-cwt.js';
import { issueSdJwt, presentSdJwt, verifySdJwt } from '../../src/sd/sd-jwt.js';
import { asClaimsMap, issuerKey, issuerPublic, TEXT_LABELS, toJson } from './fixtures.js';

const REDACTABLE = ['a', 'b', 'c', 'c.x', 'list[]'] as const;

const scenario = fc.record({
  claims: fc.record({
    a: fc.string({ minLength: 1, maxLength: 12 }),
    b: fc.integer({ min: -1000, max: 1000 }),
    c: fc.record({ x: fc.string({ maxLength: 8 }), y: fc.nat(100) }),
    list: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }),
  }),
  redact: fc.subarray([...REDACTABLE]),
  pick: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
  seed: fc.string(),
});

type Claims = { a: string; b: number; c: { x: string; y: number }; list: string[] };

/** What verification must give: the claims with every redacted, unpresented claim left out. */
function expectedView(
  claims: Claims,
  chosen: (IssuedDisclosure<unknown> & { index: number })[],
  redact: readonly string[],
) {
  const shown = (path: string) => !redact.includes(path) || chosen.some((d) => !d.element && d.path === path);
  const out: Record<string, unknown> = {};
  if (shown('a')) out.a = claims.a;
  if (shown('b')) out.b = claims.b;
  if (shown('c')) out.c = shown('c.x') ? claims.c : { y: claims.c.y };
  const elements = chosen.filter((d) => d.element);
  out.list = redact.includes('list[]')
    ? claims.list.filter((_, i) => elements.some((d) => d.index === i))
    : claims.list;
  return out;
}

/** The disclosures chosen, each element disclosure tagged with the index of its element. */
function choose<D>(disclosures: readonly IssuedDisclosure<D>[], pick: boolean[]) {
  let element = 0;
  return disclosures
    .map((d, i) => ({ ...d, index: d.element ? element++ : -1, chosen: pick[i % pick.length]! }))
    .filter((d) => d.chosen);
}

/** A nested disclosure presented without its parent matches no visible digest. */
const orphaned = (chosen: { path: string }[], redact: readonly string[]) =>
  redact.includes('c') && chosen.some((d) => d.path === 'c.x') && !chosen.some((d) => d.path === 'c');

describe('SD-CWT properties', () => {
  it('verifies exactly the presented subset', () => {
    fc.assert(
      fc.property(scenario, ({ claims, redact, pick, seed }) => {
        const issued = issueSdCwt(asClaimsMap(claims), issuerKey, {
          labels: TEXT_LABELS,
          redact,
          random: seededRandom(seed),
        });
        const chosen = choose(issued.disclosures, pick);
        const presented = presentSdCwt(
          issued.issued,
          chosen.map((d) => d.disclosure),
        );
        const verify = () => verifySdCwt(presented, { key: issuerPublic, labels: TEXT_LABELS });
        if (orphaned(chosen, redact)) {
          expect(verify).toThrow(expect.objectContaining({ code: 'ERR_AU_DISCLOSURE_INVALID' }));
          return;
        }
        const verified = verify();
        expect(toJson(verified.claims)).toEqual(expectedView(claims, chosen, redact));
        expect(verified.disclosed.map((d) => d.digest).sort()).toEqual(chosen.map((d) => d.digest).sort());
        expect(verified.issued).toEqual(issued.issued);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses any tampered disclosure', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), fc.integer({ min: 1, max: 255 }), ({ claims, redact, seed }, at, xor) => {
        fc.pre(redact.length > 0);
        const issued = issueSdCwt(asClaimsMap(claims), issuerKey, {
          labels: TEXT_LABELS,
          redact,
          random: seededRandom(seed),
        });
        const all = issued.disclosures.map((d) => d.disclosure);
        const victim = at % all.length;
        const tampered = all.map((d, i) => {
          if (i !== victim) return d;
          const copy = d.slice();
          copy[(at >> 3) % copy.length]! ^= xor;
          return copy;
        });
        expect(() =>
          verifySdCwt(presentSdCwt(issued.issued, tampered), { key: issuerPublic, labels: TEXT_LABELS }),
        ).toThrow(expect.objectContaining({ code: 'ERR_AU_DISCLOSURE_INVALID' }));
      }),
      { numRuns: 60 },
    );
  });
});

describe('SD-JWT properties', () => {
  it('verifies exactly the presented subset', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ claims, redact, pick, seed }) => {
        const issued = await issueSdJwt(claims, issuerKey, {
          typ: 'example+sd-jwt',
          redact,
          random: seededRandom(seed),
        });
        const chosen = choose(issued.disclosures, pick);
        const presented = await presentSdJwt(
          issued.jwt,
          chosen.map((d) => d.disclosure),
        );
        const verify = () => verifySdJwt(presented, { key: issuerPublic, typ: 'example+sd-jwt' });
        if (orphaned(chosen, redact)) {
          await expect(verify()).rejects.toMatchObject({ code: 'ERR_AU_DISCLOSURE_INVALID' });
          return;
        }
        const verified = await verify();
        expect(verified.claims).toEqual(expectedView(claims, chosen, redact));
        expect(verified.disclosed.map((d) => d.digest).sort()).toEqual(chosen.map((d) => d.digest).sort());
      }),
      { numRuns: 40 },
    );
  });

  it('refuses any tampered disclosure', async () => {
    await fc.assert(
      fc.asyncProperty(
        scenario,
        fc.nat(),
        fc.integer({ min: 1, max: 63 }),
        async ({ claims, redact, seed }, at, shift) => {
          fc.pre(redact.length > 0);
          const issued = await issueSdJwt(claims, issuerKey, {
            typ: 'example+sd-jwt',
            redact,
            random: seededRandom(seed),
          });
          const all = issued.disclosures.map((d) => d.disclosure);
          const victim = at % all.length;
          const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
          const tampered = all.map((d, i) => {
            if (i !== victim) return d;
            const pos = (at >> 3) % d.length;
            const next = ALPHABET[(ALPHABET.indexOf(d[pos]!) + shift) % 64]!;
            return d.slice(0, pos) + next + d.slice(pos + 1);
          });
          await expect(
            verifySdJwt(await presentSdJwt(issued.jwt, tampered), { key: issuerPublic, typ: 'example+sd-jwt' }),
          ).rejects.toMatchObject({ code: 'ERR_AU_DISCLOSURE_INVALID' });
        },
      ),
      { numRuns: 40 },
    );
  });
});
