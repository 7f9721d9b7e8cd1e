/** Most range hashes kept; the oldest goes first. */
const MAX_RANGES = 4096;

/**
 * Hashes of ranges folded from several stored pieces, by range. Such ranges lie on the right edge of a tree, which
 * every proof against that tree head shares and would otherwise read and fold again; and since a published tree
 * never changes, neither does the hash of any of its ranges. Hashes go in and come out as copies.
 */
export class RangeCache {
  readonly #hashes = new Map<string, Uint8Array>();

  get(from: number, to: number): Uint8Array | undefined {
    return this.#hashes.get(`${from}:${to}`)?.slice();
  }

  set(from: number, to: number, hash: Uint8Array): void {
    if (this.#hashes.size >= MAX_RANGES) this.#hashes.delete(this.#hashes.keys().next().value!);
    this.#hashes.set(`${from}:${to}`, hash.slice());
  }
}
