import { snError } from '../errors/index.js';
import type { Key, PrivateKey } from '../keys/types.js';
import { type AlgorithmInfo, CURVES } from './algorithms.js';

/**
 * The cheap structural checks both backends run before touching a key: the key's type fits the algorithm and its
 * byte strings have the curve's lengths. Keys are plain data that callers may assemble by hand; a malformed one
 * must give a typed error, never a crash inside a crypto library.
 */
export function assertKeyShape(alg: AlgorithmInfo, key: Key, needPrivate: boolean): void {
  const facts = CURVES[key.curve];
  if (!facts) throw snError('ERR_KEY_UNSUPPORTED', `curve ${String(key.curve)}`);
  if (facts.kty !== alg.kty) throw snError('ERR_KEY_ALG_MISMATCH', `${key.curve} key with ${alg.name}`);
  if (!(key.x instanceof Uint8Array) || key.x.length !== facts.size) throw snError('ERR_KEY_INVALID', 'x length');
  if (facts.kty === 'EC2' && (!(key.y instanceof Uint8Array) || key.y.length !== facts.size)) {
    throw snError('ERR_KEY_INVALID', 'y length');
  }
  if (!needPrivate) return;
  const d = (key as Partial<PrivateKey>).d;
  if (key.type !== 'private' || !(d instanceof Uint8Array)) throw snError('ERR_KEY_PRIVATE_REQUIRED');
  if (d.length !== facts.size) throw snError('ERR_KEY_INVALID', 'd length');
}
