import { auError } from '../errors.js';
import { fromBase64, toBase64 } from '../log/base64.js';

/** A C2SP `tlog-proof@v1`: an entry's index, its audit path and the (cosigned) checkpoint it is proven under. */
export interface TlogProof {
  readonly index: number;
  readonly path: readonly Uint8Array[];
  /** The checkpoint note, verbatim, with its signature lines. */
  readonly checkpoint: string;
  /** Opaque, unauthenticated application data. */
  readonly extra?: Uint8Array;
}

const HEADER = 'c2sp.org/tlog-proof@v1';
/** Longest audit path: a tree of at most 2^63 entries. */
const MAX_PATH = 63;

/** The proof's text (C2SP `tlog-proof@v1`). */
export function formatTlogProof(proof: TlogProof): string {
  const lines = [HEADER];
  if (proof.extra !== undefined) lines.push(`extra ${toBase64(proof.extra)}`);
  lines.push(`index ${proof.index}`, ...proof.path.map(toBase64), '');
  return `${lines.join('\n')}\n${proof.checkpoint}`;
}

const bad = (why: string) => auError('ERR_AU_BUNDLE_INVALID', `tlog-proof: ${why}`);

/** Parses a `tlog-proof@v1` text strictly; anything else is `ERR_AU_BUNDLE_INVALID`. */
export function parseTlogProof(text: string): TlogProof {
  const lines = text.split('\n');
  let at = 0;
  if (lines[at++] !== HEADER) throw bad(`the first line is not ${HEADER}`);
  let extra: Uint8Array | undefined;
  if (lines[at]?.startsWith('extra ')) {
    extra = fromBase64(lines[at++]!.slice('extra '.length));
    if (extra === undefined) throw bad('extra is not base64');
  }
  const index = /^index (0|[1-9][0-9]*)$/.exec(lines[at++] ?? '');
  if (!index || !Number.isSafeInteger(Number(index[1]))) throw bad('no index line');
  const path: Uint8Array[] = [];
  while (at < lines.length && lines[at] !== '') {
    const hash = fromBase64(lines[at++]!);
    if (hash?.length !== 32) throw bad('a proof line is not a base64 SHA-256 hash');
    if (path.length === MAX_PATH) throw bad(`more than ${MAX_PATH} proof lines`);
    path.push(hash);
  }
  if (lines[at++] !== '') throw bad('no empty line before the checkpoint');
  const checkpoint = lines.slice(at).join('\n');
  if (checkpoint === '') throw bad('no checkpoint');
  return { index: Number(index[1]), path, checkpoint, ...(extra && { extra }) };
}
