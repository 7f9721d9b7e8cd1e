/** Size of each slab that scratch buffers are carved from. */
const SLAB = 16_384;

let slab = new Uint8Array(SLAB);
let used = 0;

/**
 * `n` zero bytes for a short-lived buffer, such as the to-be-signed bytes handed to a crypto backend. A typed array
 * of more than a few dozen bytes is allocated outside the JavaScript heap, which costs as much as an Ed25519
 * signature's whole framing; small ones are instead carved in turn from a shared slab, as Node's `Buffer` pool
 * does. A region is never handed out twice (a full slab is replaced, not reused), so a caller that keeps its buffer
 * keeps valid bytes; it also keeps the slab alive, which is why this is for buffers that are soon dropped. The view
 * shares its `buffer` with other scratch buffers: never return one to a caller who might read `.buffer`.
 */
export function scratchBytes(n: number): Uint8Array {
  if (n > SLAB / 4) return new Uint8Array(n);
  if (used + n > SLAB) {
    slab = new Uint8Array(SLAB);
    used = 0;
  }
  const out = slab.subarray(used, used + n);
  used += n;
  return out;
}
