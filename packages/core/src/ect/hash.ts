import { sha256 } from '../crypto/sha256.js';
import { toBase64Url, utf8 } from '../util/bytes.js';

/** `inp_hash` / `out_hash` of some data: unpadded base64url of its SHA-256 digest (ECT -01). */
export function ectHash(data: Uint8Array | string): string {
  return toBase64Url(sha256(typeof data === 'string' ? utf8(data) : data));
}

/** True when `hash` is the ECT hash of `data`. */
export function matchesEctHash(data: Uint8Array | string, hash: string): boolean {
  return ectHash(data) === hash;
}
