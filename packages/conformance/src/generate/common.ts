import {
  type AlgorithmName,
  algorithmByName,
  type Curve,
  type EctClaims,
  ectHash,
  generateKey,
  type Jwk,
  keyToJwk,
  type PrivateKey,
  publicKeyOf,
  seededRandom,
  toHex,
  utf8,
} from '@safety-net/core';
import type { Vector } from '../format.js';

/** The time of every vector: 2026-03-01T00:00:00Z. */
export const NOW = 1_772_323_200;

/**
 * A fixed key: derived from the seed `spec-vectors/<name>`, with `name` as its kid and, when given, an algorithm
 * restriction. The same name always gives the same key.
 */
export function fixedKey(name: string, curve: Curve, alg?: AlgorithmName): PrivateKey {
  const key = generateKey(curve, seededRandom(`spec-vectors/${name}`));
  return { ...key, kid: utf8(name), ...(alg ? { alg: algorithmByName(alg).id } : {}) };
}

/** The keys the vectors use, by name. */
export const KEYS = {
  ed25519: fixedKey('ed25519-a', 'Ed25519'),
  ed25519b: fixedKey('ed25519-b', 'Ed25519'),
  ed25519Fixed: fixedKey('ed25519-fs', 'Ed25519', 'Ed25519'),
  ed448: fixedKey('ed448-a', 'Ed448'),
  p256: fixedKey('p256-a', 'P-256'),
  p384: fixedKey('p384-a', 'P-384'),
  p521: fixedKey('p521-a', 'P-521'),
} as const;

/** The kid (as text) of a fixed key: its name in `keys`. */
export function nameOf(key: PrivateKey): string {
  return new TextDecoder().decode(key.kid);
}

/** A `keys` entry: public JWKs for verifiers, private ones (with `d`) for signers. */
export function keysOf(keys: readonly PrivateKey[], form: 'public' | 'private'): Record<string, Jwk> {
  const out: Record<string, Jwk> = {};
  for (const key of keys) {
    out[nameOf(key)] = form === 'private' ? keyToJwk(key, { includePrivate: true }) : keyToJwk(publicKeyOf(key));
  }
  return out;
}

/** Hex of bytes, as `_hex` fields hold them. */
export const hex = toHex;

/** Builds a vector with the fields in file order. */
export function vector<I, O, E>(v: {
  id: string;
  description: string;
  kind: string;
  keys?: Record<string, Jwk>;
  now?: number;
  input: I;
  options: O;
  expected: E;
}): Vector<I, O, E> {
  return {
    id: v.id,
    description: v.description,
    package: 'core',
    kind: v.kind,
    keys: (v.keys ?? {}) as unknown as Record<string, Record<string, unknown>>,
    now: v.now ?? NOW,
    input: v.input,
    options: v.options,
    expected: v.expected,
  };
}

/** `{ result: 'invalid', error }`. */
export function invalid(error: string): { result: 'invalid'; error: string } {
  return { result: 'invalid', error };
}

/** ECT claims for the vectors: issued at NOW, valid for 300 s, a root task. */
export function ectClaims(overrides: Partial<EctClaims> = {}): EctClaims {
  return {
    iss: 'spiffe://example.org/agent/planner',
    aud: 'spiffe://example.org/agent/executor',
    iat: NOW,
    exp: NOW + 300,
    jti: '0b7c2f4e-58a1-4c3e-9d2a-6f1e8b9c0d11',
    wid: 'wf-vectors-1',
    exec_act: 'inventory.reserve',
    pred: [],
    inp_hash: ectHash('{"sku":"A-1","qty":3}'),
    ...overrides,
  };
}

/** The audience the ECT vectors' verifier answers to. */
export const AUDIENCE = 'spiffe://example.org/agent/executor';
