/**
 * Signing and verification cases: our COSE_Sign1 ECT path (node:crypto and noble backends) against raw
 * node:crypto on the same to-be-signed bytes, panva/jose JWTs with the same claims, and npm cose-js on the same
 * CBOR payload. Everything that is not the operation itself (keys, tokens, clocks) is prepared once, up front.
 */
import { Buffer } from 'node:buffer';
import { createPrivateKey, createPublicKey, type JsonWebKey, sign, verify } from 'node:crypto';
import {
  type Curve,
  decodeSign1,
  type EctClaims,
  ect,
  ectHash,
  fixedClock,
  generateKey,
  keyToJwk,
  nobleBackend,
  type PrivateKey,
  publicKeyOf,
  seededRandom,
  sign1ToBeSigned,
  utf8,
} from '@safety-net/core';
import coseJs from 'cose-js';
import { importJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import type { BenchCase } from './harness.js';

/** A set of cases timed together (their rounds interleaved) because they are compared with each other. */
export interface BenchGroup {
  readonly title: string;
  readonly cases: readonly BenchCase[];
}

/** Fixed issue time (seconds) of every token; verifiers read a clock fixed at the same instant. */
const NOW = 1_767_225_600;
const clock = fixedClock(NOW * 1000);
const currentDate = new Date(NOW * 1000);

const claims: EctClaims = {
  iss: 'spiffe://example.org/agent/inventory',
  aud: 'spiffe://example.org/agent/shipping',
  iat: NOW,
  exp: NOW + 300,
  jti: '0b7e5c8a-3f1d-4e2b-9a6c-5d4e3f2a1b0c',
  wid: 'wf-1',
  exec_act: 'inventory.reserve',
  pred: [],
  inp_hash: ectHash('order 4711: 3 × widget'),
};

const P1363 = 'ieee-p1363' as const;

const sync = (name: string, run: () => unknown): BenchCase => ({ name, run, async: false });
const async = (name: string, run: () => Promise<unknown>): BenchCase => ({ name, run, async: true });

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`benchmark setup: ${what}`);
}

/** A fixed key with a kid, so that every signer puts the same `kid` in its header. */
function benchKey(curve: Curve, kid: string): PrivateKey {
  return { ...generateKey(curve, seededRandom(`bench ${curve}`)), kid: utf8(kid) };
}

/** The four Ed25519 sign/verify groups' cases. */
async function ed25519Cases(): Promise<BenchGroup[]> {
  const kid = 'bench-ed25519';
  const key = benchKey('Ed25519', kid);
  const pub = publicKeyOf(key);
  const jwk = keyToJwk(key, { includePrivate: true }) as JWK;
  const publicJwk = keyToJwk(pub, { includePrivate: false }) as JWK;

  const token = ect.sign(claims, key);
  const nobleToken = ect.sign(claims, key, { backend: nobleBackend });
  check(ect.verify(token, { key: pub, clock }).ok, 'our Ed25519 token does not verify');
  check(ect.verify(nobleToken, { key: pub, clock, backend: nobleBackend }).ok, 'noble Ed25519 does not verify');

  const decoded = decodeSign1(token);
  const tbs = sign1ToBeSigned(decoded.protectedBytes, decoded.payload!);
  const privateKeyObject = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
  const publicKeyObject = createPublicKey({ key: publicJwk as JsonWebKey, format: 'jwk' });
  const rawSignature = sign(null, tbs, privateKeyObject);
  check(Buffer.from(rawSignature).equals(decoded.signature), 'raw and COSE Ed25519 signatures differ');
  check(verify(null, tbs, publicKeyObject, rawSignature), 'raw Ed25519 does not verify');

  const josePrivate = await importJWK(jwk, 'EdDSA');
  const josePublic = await importJWK(publicJwk, 'EdDSA');
  const header = { alg: 'EdDSA', typ: 'exec+jwt', kid };
  const jwt = await new SignJWT(claims).setProtectedHeader(header).sign(josePrivate);
  const jwtOptions = { typ: 'exec+jwt', currentDate };
  check((await jwtVerify(jwt, josePublic, jwtOptions)).payload.jti === claims.jti, 'jose EdDSA does not verify');

  return [
    {
      title: 'Ed25519 sign',
      cases: [
        sync('raw.ed25519.sign', () => sign(null, tbs, privateKeyObject)),
        sync('cose.sign1.ed25519.sign', () => ect.sign(claims, key)),
        sync('cose.sign1.ed25519.noble.sign', () => ect.sign(claims, key, { backend: nobleBackend })),
        async('jose.jwt.eddsa.sign', () => new SignJWT(claims).setProtectedHeader(header).sign(josePrivate)),
      ],
    },
    {
      title: 'Ed25519 verify',
      cases: [
        sync('raw.ed25519.verify', () => verify(null, tbs, publicKeyObject, rawSignature)),
        sync('cose.sign1.ed25519.verify', () => ect.verify(token, { key: pub, clock })),
        sync('cose.sign1.ed25519.noble.verify', () =>
          ect.verify(nobleToken, { key: pub, clock, backend: nobleBackend }),
        ),
        async('jose.jwt.eddsa.verify', () => jwtVerify(jwt, josePublic, jwtOptions)),
      ],
    },
  ];
}

/** The ES256 (P-256) groups: ours, jose and cose-js, with raw node:crypto as the ceiling. */
async function es256Cases(): Promise<BenchGroup[]> {
  const kid = 'bench-p256';
  const key = benchKey('P-256', kid);
  const pub = publicKeyOf(key);
  const jwk = keyToJwk(key, { includePrivate: true }) as JWK;
  const publicJwk = keyToJwk(pub, { includePrivate: false }) as JWK;

  const token = ect.sign(claims, key);
  check(ect.verify(token, { key: pub, clock }).ok, 'our ES256 token does not verify');

  // Raw node:crypto ECDSA over our Sig_structure: not a target, but the ceiling of any COSE or JOSE ES256 path.
  const decoded = decodeSign1(token);
  const tbs = sign1ToBeSigned(decoded.protectedBytes, decoded.payload!);
  const privateKeyObject = { key: createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' }), dsaEncoding: P1363 };
  const publicKeyObject = { key: createPublicKey({ key: publicJwk as JsonWebKey, format: 'jwk' }), dsaEncoding: P1363 };
  check(verify('sha256', tbs, publicKeyObject, decoded.signature), 'raw P-256 does not verify our COSE signature');
  const rawSignature = sign('sha256', tbs, privateKeyObject);

  const josePrivate = await importJWK(jwk, 'ES256');
  const josePublic = await importJWK(publicJwk, 'ES256');
  const header = { alg: 'ES256', typ: 'exec+jwt', kid };
  const jwt = await new SignJWT(claims).setProtectedHeader(header).sign(josePrivate);
  const jwtOptions = { typ: 'exec+jwt', currentDate };
  check((await jwtVerify(jwt, josePublic, jwtOptions)).payload.jti === claims.jti, 'jose ES256 does not verify');

  // cose-js signs the very CBOR claims payload our token carries; it has no `typ` header, so alg and kid only.
  const payload = Buffer.from(decoded.payload!);
  const coseHeaders = { p: { alg: 'ES256', kid } };
  const signer = { key: { d: Buffer.from(key.d) } };
  const verifier = { key: { x: Buffer.from(pub.x), y: Buffer.from(pub.y!) } };
  const coseJsToken = await coseJs.sign.create(coseHeaders, payload, signer);
  check(payload.equals(await coseJs.sign.verify(coseJsToken, verifier)), 'cose-js does not verify');

  return [
    {
      title: 'ES256 sign',
      cases: [
        sync('raw.es256.sign', () => sign('sha256', tbs, privateKeyObject)),
        sync('cose.sign1.es256.sign', () => ect.sign(claims, key)),
        async('jose.jwt.es256.sign', () => new SignJWT(claims).setProtectedHeader(header).sign(josePrivate)),
        async('cosejs.sign1.es256.sign', () => coseJs.sign.create(coseHeaders, payload, signer)),
      ],
    },
    {
      title: 'ES256 verify',
      cases: [
        sync('raw.es256.verify', () => verify('sha256', tbs, publicKeyObject, rawSignature)),
        sync('cose.sign1.es256.verify', () => ect.verify(token, { key: pub, clock })),
        async('jose.jwt.es256.verify', () => jwtVerify(jwt, josePublic, jwtOptions)),
        async('cosejs.sign1.es256.verify', () => coseJs.sign.verify(coseJsToken, verifier)),
      ],
    },
  ];
}

/** All signing groups, set up and self-checked (each token verifies once before anything is timed). */
export async function signingGroups(): Promise<BenchGroup[]> {
  return [...(await ed25519Cases()), ...(await es256Cases())];
}
