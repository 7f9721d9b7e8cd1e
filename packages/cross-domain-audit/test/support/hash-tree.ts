import type { StoredHash } from '../../src/log/subtrees.js';
import { appendHashes, type HashReader, rangePieces } from '../../src/log/subtrees.js';

/** The stored hashes of a tree built by appending leaf hashes in the given batch sizes, and a reader over them. */
export function hashTree(leafHashes: readonly Uint8Array[], batches: readonly number[] = [leafHashes.length]) {
  const stored = new Map<string, Uint8Array>();
  const read: HashReader = async (ids) =>
    ids.map((id) => {
      const h = stored.get(`${id.level}/${id.index}`);
      if (!h) throw new Error(`missing ${id.level}/${id.index}`);
      return h;
    });
  const roots: Uint8Array[] = [];
  let size = 0;
  for (const n of batches) {
    const frontier = rangePieces(0, size).map((id) => stored.get(`${id.level}/${id.index}`)!);
    const { hashes, root } = appendHashes(size, frontier, leafHashes.slice(size, size + n));
    for (const h of hashes as StoredHash[]) stored.set(`${h.level}/${h.index}`, h.hash);
    size += n;
    roots.push(root);
  }
  return { read, roots, stored };
}
