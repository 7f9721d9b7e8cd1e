import type * as NodeCrypto from 'node:crypto';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

type OneShotHash = (data: Uint8Array) => Uint8Array;

/**
 * node:crypto's one-shot `hash` when the runtime has it (Node ≥ 20.12, and runtimes that follow it), found at run
 * time as the native signing backend is, so that browser bundles never see a `node:` import. It hashes a short input
 * in well under half noble's time, which matters where every log entry costs two hashes.
 */
function loadOneShot(): OneShotHash | undefined {
  try {
    const mod = globalThis.process?.getBuiltinModule?.('node:crypto') as typeof NodeCrypto | undefined;
    const hash = mod?.hash;
    if (typeof hash !== 'function') return undefined;
    const oneShot: OneShotHash = (data) => {
      const digest = hash('sha256', data, 'buffer') as unknown as Uint8Array;
      // A plain Uint8Array view of the same memory, so results compare equal to noble's.
      return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
    };
    // A runtime whose `hash` differs from the standard is not used: one known answer (FIPS 180-2, "abc").
    const abc = oneShot(new Uint8Array([0x61, 0x62, 0x63]));
    return abc[0] === 0xba && abc[31] === 0xad ? oneShot : undefined;
  } catch {
    return undefined;
  }
}

/**
 * SHA-256 of `data`: native where the runtime offers a one-shot hash, else @noble/hashes. Both give the same bytes;
 * only the speed differs.
 */
export const sha256: (data: Uint8Array) => Uint8Array = loadOneShot() ?? nobleSha256;
