import { snError } from '../errors/index.js';
import type { Curve } from '../keys/types.js';

/** Facts about one signature algorithm. Nothing else in Safety Net switches on an algorithm id. */
export interface AlgorithmInfo {
  /** IANA COSE Algorithms value. */
  readonly id: number;
  /** IANA COSE name (also the JOSE `alg` name). */
  readonly name: string;
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
 * The algorithm table, keyed by COSE `alg`. EdDSA (-8) is the polymorphic RFC 9053 identifier (either Edwards
 * curve); Ed25519 (-19) is the fully specified RFC 9864 identifier. ECDSA hashes may be used with any EC2 curve in
 * generic verification; `profileCurves` is the binding our message types enforce.
 */
export const ALGORITHMS: ReadonlyMap<number, AlgorithmInfo> = new Map(
  (
    [
      { id: -8, name: 'EdDSA', kty: 'OKP', curves: ['Ed25519', 'Ed448'], profileCurves: ['Ed25519', 'Ed448'] },
      { id: -19, name: 'Ed25519', kty: 'OKP', curves: ['Ed25519'], profileCurves: ['Ed25519'] },
      { id: -7, name: 'ES256', kty: 'EC2', curves: EC2_CURVES, profileCurves: ['P-256'], hash: 'SHA-256' },
      { id: -35, name: 'ES384', kty: 'EC2', curves: EC2_CURVES, profileCurves: ['P-384'], hash: 'SHA-384' },
      { id: -36, name: 'ES512', kty: 'EC2', curves: EC2_CURVES, profileCurves: ['P-521'], hash: 'SHA-512' },
    ] as const satisfies readonly AlgorithmInfo[]
  ).map((a) => [a.id, a]),
);

/** Algorithm names accepted by the CLI and the JOSE form. */
export type AlgorithmName = 'EdDSA' | 'Ed25519' | 'ES256' | 'ES384' | 'ES512';

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
