import { decodeCbor, merkleNodeHash, snError } from '@safety-net/core';
import { readBody } from '@safety-net/core/internal';
import type { TreeHead } from '../checkpoint/tree-head.js';
import { auError } from '../errors.js';
import { consistencyRanges, type HashId, inclusionRanges, rangeHashes } from '../log/subtrees.js';
import { verifyEntryInclusion, verifyTreeConsistency } from '../log/verify.js';
import { decodeEntryBundle } from './entry-bundle.js';
import { TILE_WIDTH, type TileRef, tilePath, tileWidthAt } from './paths.js';

/** Options of {@link TileLogClient}. */
export interface TileLogClientOptions {
  /** The log's URL prefix, e.g. `https://hospital.example/audit/main`. */
  readonly prefix: string;
  /** Verifies a checkpoint note (the log's key, the witness policy) and returns its tree head; throws otherwise. */
  readonly openCheckpoint: (text: string) => Promise<TreeHead>;
  readonly fetch?: typeof fetch;
}

const TILE_HEIGHT = 8;
/** A workflow index answer of 100,001 indices, each at most 9 bytes of CBOR. */
const MAX_WORKFLOW_BYTES = 1_048_576;

/** The `code` of a JSON refusal, when it has one. */
async function codeOfRefusal(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.json()) as { code?: unknown };
    return typeof body.code === 'string' ? body.code : undefined;
  } catch {
    return undefined;
  }
}
const MAX_BUNDLE_BYTES = TILE_WIDTH * (2 + 65_535);

/**
 * Reads a `tlog-tiles` log (spec §5.4) and computes every proof from its tiles, as auditors and witnesses do: no
 * dynamic endpoint is trusted. Each answer is checked against a verified checkpoint before it is returned, so a
 * log serving a wrong tile is `ERR_AU_PROOF_INVALID`. Tiles are immutable and kept for the client's lifetime.
 *
 * @example
 * ```ts
 * const client = new TileLogClient({ prefix: 'https://hospital.example/audit/main', openCheckpoint });
 * const head = await client.checkpoint();
 * const entry = await client.entry(5, head);
 * ```
 */
export class TileLogClient {
  readonly #options: TileLogClientOptions;
  readonly #fetch: typeof fetch;
  readonly #tiles = new Map<string, Promise<Uint8Array>>();

  constructor(options: TileLogClientOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? fetch;
  }

  /** The log's current checkpoint, verified. */
  async checkpoint(): Promise<TreeHead & { readonly text: string }> {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(await this.#get('checkpoint', 65_536));
    return { ...(await this.#options.openCheckpoint(text)), text };
  }

  /** The audit path of `entry` at `index` in the tree of `head`, computed from tiles and verified. */
  async inclusionProof(entry: Uint8Array, index: number, head: TreeHead): Promise<Uint8Array[]> {
    if (!Number.isSafeInteger(index) || index < 0 || index >= head.size) {
      throw auError('ERR_AU_PROOF_INVALID', `entry ${index} is not in a tree of ${head.size}`);
    }
    const path = await rangeHashes(this.#reader(head.size), inclusionRanges(index, head.size));
    verifyEntryInclusion({ entry, index, size: head.size, path, rootHash: head.rootHash });
    return path;
  }

  /** The consistency proof from `old` to `head`, computed from the tiles of `head` and verified against both. */
  async consistencyProof(old: TreeHead, head: TreeHead): Promise<Uint8Array[]> {
    if (old.size < 0 || old.size > head.size) throw auError('ERR_AU_PROOF_INVALID', 'the old tree is larger');
    const proof =
      old.size === 0 || old.size === head.size
        ? []
        : await rangeHashes(this.#reader(head.size), consistencyRanges(old.size, head.size));
    verifyTreeConsistency({
      size1: old.size,
      rootHash1: old.rootHash,
      size2: head.size,
      rootHash2: head.rootHash,
      proof,
    });
    return proof;
  }

  /**
   * What the tree of `head` says of its first `size1` entries: their root and the consistency proof from it to
   * `head`, read from tiles and not checked against any smaller checkpoint, so that a forked log's tiles still yield
   * them: fork detection (`detectFork`'s `prefix`, spec §5.8) checks that they reproduce `head`'s root.
   */
  async prefixOf(size1: number, head: TreeHead): Promise<{ root: Uint8Array; proof: Uint8Array[] }> {
    if (!Number.isSafeInteger(size1) || size1 < 1 || size1 >= head.size) {
      throw auError('ERR_AU_PROOF_INVALID', `no prefix of ${size1} in a tree of ${head.size}`);
    }
    const [root, ...proof] = await rangeHashes(this.#reader(head.size), [
      [0, size1],
      ...consistencyRanges(size1, head.size),
    ]);
    return { root: root!, proof };
  }

  /**
   * The leaf indices the log's workflow index holds for `key` (a workflow id or a stitching ECT jti, spec §5.5),
   * asked with the auditor's `authorization` header value (e.g. `Bearer <token>`). The index itself proves nothing:
   * read each entry with {@link entry}, which verifies it. An answer that is not an ascending array of indices is
   * `ERR_INPUT_INVALID`; a refusal keeps its code (`401` is `ERR_KEY_UNTRUSTED`).
   */
  async workflow(key: string, authorization: string): Promise<number[]> {
    const response = await this.#fetch(`${this.#prefix()}/wid/${encodeURIComponent(key)}`, {
      headers: { authorization },
    });
    if (response.status !== 200) {
      const code = await codeOfRefusal(response);
      const why = `wid/${key} answered ${response.status}`;
      if (code === 'ERR_AU_VISIBILITY') throw auError(code, why);
      throw snError(code === 'ERR_KEY_UNTRUSTED' ? code : 'ERR_INPUT_INVALID', why);
    }
    let value: unknown;
    try {
      value = decodeCbor(await readBody(response, { max: MAX_WORKFLOW_BYTES }));
    } catch (e) {
      throw snError('ERR_INPUT_INVALID', `wid/${key}: not CBOR`, { cause: e });
    }
    const ascending =
      Array.isArray(value) &&
      value.every((v, i) => Number.isSafeInteger(v) && (v as number) >= 0 && (i === 0 || (v as number) > value[i - 1]));
    if (!ascending) throw snError('ERR_INPUT_INVALID', `wid/${key}: not an ascending array of leaf indices`);
    return value as number[];
  }

  /** Entry `index` of the tree of `head`, from its entry bundle, with its inclusion verified. */
  async entry(index: number, head: TreeHead): Promise<Uint8Array> {
    if (!Number.isSafeInteger(index) || index < 0 || index >= head.size) {
      throw auError('ERR_AU_PROOF_INVALID', `entry ${index} is not in a tree of ${head.size}`);
    }
    const tile = Math.floor(index / TILE_WIDTH);
    const width = tileWidthAt('entries', tile, head.size);
    const bundle = await this.#tile({ level: 'entries', index: tile, width }, MAX_BUNDLE_BYTES);
    const entry = decodeEntryBundle(bundle, width)[index % TILE_WIDTH]!;
    await this.inclusionProof(entry, index, head);
    return entry;
  }

  /** Stored hashes of the tree of `size`, each folded from the hashes of the one tile that holds its subtree. */
  #reader(size: number) {
    return async (ids: readonly HashId[]) =>
      Promise.all(
        ids.map(async ({ level, index }) => {
          const tileLevel = Math.floor(level / TILE_HEIGHT);
          const span = 2 ** (level - tileLevel * TILE_HEIGHT);
          const first = index * span;
          const tile = Math.floor(first / TILE_WIDTH);
          const width = tileWidthAt(tileLevel, tile, size);
          const bytes = await this.#tile({ level: tileLevel, index: tile, width }, 32 * width);
          if (bytes.length !== 32 * width)
            throw auError(
              'ERR_AU_PROOF_INVALID',
              `tile ${tilePath({ level: tileLevel, index: tile, width })} is ${bytes.length} bytes`,
            );
          let row: Uint8Array[] = [];
          for (let i = first % TILE_WIDTH; i < (first % TILE_WIDTH) + span; i++)
            row.push(bytes.subarray(32 * i, 32 * i + 32));
          while (row.length > 1)
            row = row.filter((_, i) => i % 2 === 0).map((l, i) => merkleNodeHash(l, row[2 * i + 1]!));
          return row[0]!;
        }),
      );
  }

  #tile(tile: TileRef, max: number): Promise<Uint8Array> {
    const path = tilePath(tile);
    let found = this.#tiles.get(path);
    if (!found) {
      found = this.#get(path, max);
      // A failed fetch is not kept: the next read tries again.
      found.catch(() => this.#tiles.delete(path));
      this.#tiles.set(path, found);
    }
    return found;
  }

  #prefix(): string {
    return this.#options.prefix.replace(/\/+$/, '');
  }

  async #get(path: string, max: number): Promise<Uint8Array> {
    const response = await this.#fetch(`${this.#prefix()}/${path}`);
    if (response.status !== 200) {
      await response.body?.cancel();
      throw auError('ERR_AU_PROOF_INVALID', `${path} answered ${response.status}`);
    }
    return readBody(response, { max });
  }
}
