import { snError } from '../errors/index.js';
import type { Curve } from '../keys/types.js';

/** Facts about one signature algorithm. Nothing else in Safety Net switches on an algorithm id. */
export interface AlgorithmInfo {
  /** IANA COSE Algorithms value. */
  readonly id: number;
  /** IANA COSE name. */
  readonly name: string;
  /**
   * The JOSE `alg` of the same operation (RFC 7518, 8037, 9864). JOSE's ECDSA names were fully specified from the
   * start, so RFC 9864 registers ESP256/384/512 for COSE only: in JOSE they are ES256/384/512.
   */
  readonly jose: string;
  /** Key type: OKP (RFC 8037 / 9053 §7.2) or EC2 (RFC 9053 §7.1). */
  readonly kty: 'OKP' | 'EC2';
  /** Curves the algorithm may be used with under generic RFC 9052 verification. */
  readonly curves: readonly Curve[];
  /**
   * The one curve Safety Net's own message types allow. RFC 9053 §2.1 only *suggests* pairing each ECDSA hash with
   * its curve (the COSE WG examples include ES512 over P-256), so generic verification accepts any EC2 curve while
   * our profile binds them.
   */
  readonly profileCurves: readonly Curve[];
  /** Hash for ECDSA; absent for EdDSA (which hashes internally). */
  readonly hash?: 'SHA-256' | 'SHA-384' | 'SHA-512';
}

const EC2_CURVES: readonly Curve[] = ['P-256', 'P-384', 'P-521'];

/**
 * Every algorithm, once. EdDSA (-8) and ES256/384/512 are the polymorphic RFC 9053 identifiers: EdDSA takes either
 * Edwards curve, and generic verification accepts an ECDSA hash over any EC2 curve (`profileCurves` is the binding
 * our message types enforce). Ed25519 (-19), Ed448 (-53) and ESP256/384/512 (-9, -51, -52) are their fully
 * specified RFC 9864 replacements, each bound to one curve everywhere.
 */
const TABLE = [
  {
    id: -8,
    name: 'EdDSA',
    jose: 'EdDSA',
    kty: 'OKP',
    curves: ['Ed25519', 'Ed448'],
    profileCurves: ['Ed25519', 'Ed448'],
  },
  { id: -19, name: 'Ed25519', jose: 'Ed25519', kty: 'OKP', curves: ['Ed25519'], profileCurves: ['Ed25519'] },
  { id: -53, name: 'Ed448', jose: 'Ed448', kty: 'OKP', curves: ['Ed448'], profileCurves: ['Ed448'] },
  { id: -7, name: 'ES256', jose: 'ES256', kty: 'EC2', curves: EC2_CURVES, profileCurves: ['P-256'], hash: 'SHA-256' },
  { id: -35, name: 'ES384', jose: 'ES384', kty: 'EC2', curves: EC2_CURVES, profileCurves: ['P-384'], hash: 'SHA-384' },
  { id: -36, name: 'ES512', jose: 'ES512', kty: 'EC2', curves: EC2_CURVES, profileCurves: ['P-521'], hash: 'SHA-512' },
  { id: -9, name: 'ESP256', jose: 'ES256', kty: 'EC2', curves: ['P-256'], profileCurves: ['P-256'], hash: 'SHA-256' },
  { id: -51, name: 'ESP384', jose: 'ES384', kty: 'EC2', curves: ['P-384'], profileCurves: ['P-384'], hash: 'SHA-384' },
  { id: -52, name: 'ESP512', jose: 'ES512', kty: 'EC2', curves: ['P-521'], profileCurves: ['P-521'], hash: 'SHA-512' },
] as const satisfies readonly AlgorithmInfo[];

/** The algorithm table, keyed by COSE `alg`. */
export const ALGORITHMS: ReadonlyMap<number, AlgorithmInfo> = new Map(TABLE.map((a) => [a.id, a]));

/** COSE algorithm names, as the CLI accepts them. */
export type AlgorithmName = (typeof TABLE)[number]['name'];

/** JOSE `alg` names of the same algorithms, as JWS headers and JWK `alg` members carry them. */
export type JoseAlgorithmName = (typeof TABLE)[number]['jose'];

/** Facts about a curve: key type and the byte length of coordinates / scalars / seeds. */
export const CURVES: Readonly<Record<Curve, { kty: 'OKP' | 'EC2'; size: number; coseCrv: number }>> = {
  Ed25519: { kty: 'OKP', size: 32, coseCrv: 6 },
  Ed448: { kty: 'OKP', size: 57, coseCrv: 7 },
  'P-256': { kty: 'EC2', size: 32, coseCrv: 1 },
  'P-384': { kty: 'EC2', size: 48, coseCrv: 2 },
  'P-521': { kty: 'EC2', size: 66, coseCrv: 3 },
};

/** The algorithm for a COSE `alg` value; `ERR_COSE_ALG_UNSUPPORTED` for anything not in the table. */
export function algorithmById(id: unknown): AlgorithmInfo {
  const info = typeof id === 'number' ? ALGORITHMS.get(id) : undefined;
  if (!info) throw snError('ERR_COSE_ALG_UNSUPPORTED', `alg ${String(id)}`);
  return info;
}

/** The algorithm for a name such as `ES256`; `ERR_COSE_ALG_UNSUPPORTED` if unknown. */
export function algorithmByName(name: string): AlgorithmInfo {
  for (const a of ALGORITHMS.values()) if (a.name === name) return a;
  throw snError('ERR_COSE_ALG_UNSUPPORTED', `alg ${name}`);
}

/**
 * The algorithm a JOSE `alg` names (JWS header, JWK member): the row whose COSE name is the JOSE name, so `ES256`
 * is -7; `ERR_COSE_ALG_UNSUPPORTED` if unknown.
 */
export function algorithmByJoseName(name: string): AlgorithmInfo {
  for (const a of ALGORITHMS.values()) if (a.name === name && a.jose === name) return a;
  throw snError('ERR_COSE_ALG_UNSUPPORTED', `JOSE alg ${name}`);
}

/** ECDSA signature length in bytes (r || s), per RFC 9053 §2.1; EdDSA: 64 (Ed25519) or 114 (Ed448). */
export function signatureLength(alg: AlgorithmInfo, curve: Curve): number {
  return alg.kty === 'EC2' ? CURVES[curve].size * 2 : curve === 'Ed448' ? 114 : 64;
}

const DEFAULT_BY_CURVE: Readonly<Record<Curve, number>> = {
  Ed25519: -8,
  Ed448: -8,
  'P-256': -7,
  'P-384': -35,
  'P-521': -36,
};

/**
 * The algorithm a key of `curve` signs with when nothing else is said: EdDSA (-8) for Edwards curves, because it is
 * what every COSE and JOSE implementation understands; the curve's own ECDSA pairing for EC2.
 */
export function defaultAlgorithm(curve: Curve): AlgorithmInfo {
  return algorithmById(DEFAULT_BY_CURVE[curve]);
}
