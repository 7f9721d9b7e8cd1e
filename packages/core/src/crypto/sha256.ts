import type * as NodeCrypto from 'node:crypto';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

type OneShotHash = (data: Uint8Array) => Uint8Array;

/** SHA-256("abc"), FIPS 180-2 appendix B.1. */
const ABC_SHA256 = Uint8Array.from(
  'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'.match(/../g)!,
  (h) => Number.parseInt(h, 16),
);

/**
 * node:crypto's one-shot `hash` when the runtime has it (Node ≥ 20.12, and runtimes that follow it), found at run
 * time as the native signing backend is, so that browser bundles never see a `node:` import. It hashes a short input
 * in a seventh of noble's time, which matters where every log entry costs two hashes.
 */
function loadOneShot(): OneShotHash | undefined {
  try {
    const mod = globalThis.process?.getBuiltinModule?.('node:crypto') as typeof NodeCrypto | undefined;
    const hash = mod?.hash;
    if (typeof hash !== 'function') return undefined;
    // The digest comes back as a binary (latin1) string (one character per byte) and is copied out: asking node for a
    // Buffer costs three times as much on a short input, where allocating the Buffer outweighs hashing it.
    const oneShot: OneShotHash = (data) => {
      const digest = hash('sha256', data, 'binary');
      const out = new Uint8Array(32);
      for (let i = 0; i < 32; i++) out[i] = digest.charCodeAt(i);
      return out;
    };
    // A runtime whose `hash` differs from the standard is not used: one known answer (FIPS 180-2, "abc").
    const abc = oneShot(new Uint8Array([0x61, 0x62, 0x63]));
    return abc.every((b, i) => b === ABC_SHA256[i]) ? oneShot : undefined;
  } catch {
    return undefined;
  }
}

/**
 * SHA-256 of `data`: native where the runtime offers a one-shot hash, else @noble/hashes. Both give the same bytes;
 * only the speed differs.
 */
export const sha256: (data: Uint8Array) => Uint8Array = loadOneShot() ?? nobleSha256;
