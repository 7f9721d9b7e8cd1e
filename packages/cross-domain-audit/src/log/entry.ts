import { bytesEqual, cborHead, decodeCbor, encodeCbor, merkleLeafHash, Tagged, utf8 } from '@safety-net/core';
import { cborHeadLength, writeCborHead } from '@safety-net/core/internal';
import { auError } from '../errors.js';

/** Kinds of log entry (spec §5.1), in the order of the entry CDDL. */
export const LOG_ENTRY_KINDS = [
  'eat',
  'tombstone',
  'hold',
  'consumption',
  'statement',
  'settlement',
  'fork',
  'bet',
  'ect',
] as const;

/** What a log entry holds: the message kind and the message in its log form. */
export type LogEntryKind = (typeof LOG_ENTRY_KINDS)[number];

/** A decoded log entry (spec §5.1): `[1, kind, body]`. */
export interface LogEntry {
  readonly kind: LogEntryKind;
  /** The message in its log form ({@link logForm}). */
  readonly body: Uint8Array;
}

/** Largest entry in bytes: the uint16 length prefix of a `tlog-tiles` entry bundle. */
export const MAX_ENTRY_BYTES = 65_535;

const ENTRY_VERSION = 1;

/** `[1, kind, ` of each kind, encoded once: the array head, the version and the kind's text string. */
const FRONTS = new Map(
  LOG_ENTRY_KINDS.map((kind) => [
    kind,
    Uint8Array.of(...cborHead(4, 3), ENTRY_VERSION, ...cborHead(3, kind.length), ...utf8(kind)),
  ]),
);

/**
 * The leaf bytes of an entry: the deterministic CBOR of `[1, kind, body]`. `ERR_AU_ENTRY_INVALID` for an unknown
 * kind or an entry over {@link MAX_ENTRY_BYTES}.
 */
export function encodeLogEntry(entry: LogEntry): Uint8Array {
  return encodeLogEntries([entry])[0]!;
}

/**
 * {@link encodeLogEntry} of each entry, as views into one buffer: an append encodes its batch with one allocation,
 * where one per entry cost more than the entry's hashing. All entries are checked before any is written.
 */
export function encodeLogEntries(entries: readonly LogEntry[]): Uint8Array[] {
  // Assembled from their parts, each in its deterministic encoding (what encodeCbor gives, tests compare). Each entry
  // is read once, in the first pass, which checks and sizes it: what is written is what was checked.
  const fronts = new Array<Uint8Array>(entries.length);
  const bodies = new Array<Uint8Array>(entries.length);
  let total = 0;
  for (let i = 0; i < entries.length; i++) {
    const { kind, body } = entries[i]!;
    const front = FRONTS.get(kind);
    if (!front) throw auError('ERR_AU_ENTRY_INVALID', `unknown entry kind ${String(kind)}`);
    if (!(body instanceof Uint8Array)) throw auError('ERR_AU_ENTRY_INVALID', 'the entry body is not bytes');
    const length = front.length + cborHeadLength(body.length) + body.length;
    checkEntrySize(length);
    total += length;
    fronts[i] = front;
    bodies[i] = body;
  }
  const buffer = new Uint8Array(total);
  const out = new Array<Uint8Array>(entries.length);
  let at = 0;
  for (let i = 0; i < entries.length; i++) {
    const front = fronts[i]!;
    const body = bodies[i]!;
    buffer.set(front, at);
    const start = writeCborHead(buffer, at + front.length, 2, body.length);
    buffer.set(body, start);
    out[i] = buffer.subarray(at, start + body.length);
    at = start + body.length;
  }
  return out;
}

/** Decodes leaf bytes; anything but the exact deterministic encoding of a known entry is `ERR_AU_ENTRY_INVALID`. */
export function decodeLogEntry(bytes: Uint8Array): LogEntry {
  checkEntrySize(bytes.length);
  let value: unknown;
  try {
    value = decodeCbor(bytes, { maxBytes: MAX_ENTRY_BYTES, requireSortedKeys: true });
  } catch (e) {
    throw auError('ERR_AU_ENTRY_INVALID', 'the entry is not CBOR', { cause: e });
  }
  if (!Array.isArray(value) || value.length !== 3 || value[0] !== ENTRY_VERSION) {
    throw auError('ERR_AU_ENTRY_INVALID', 'the entry is not [1, kind, body]');
  }
  const [, kind, body] = value;
  if (typeof kind !== 'string' || !(body instanceof Uint8Array)) {
    throw auError('ERR_AU_ENTRY_INVALID', 'the entry kind is not text or its body not bytes');
  }
  const entry = { kind: kind as LogEntryKind, body };
  // Re-encoding pins one byte form per entry, so one entry has one leaf hash.
  const again = encodeLogEntry(entry);
  if (!bytesEqual(again, bytes)) throw auError('ERR_AU_ENTRY_INVALID', 'the entry is not deterministic CBOR');
  return entry;
}

/** RFC 9162 leaf hash of the entry bytes: SHA-256(0x00 || leaf). */
export function entryLeafHash(leaf: Uint8Array): Uint8Array {
  return merkleLeafHash(leaf);
}

/**
 * The log form of a signed COSE message (spec §5.1): the same structure with its unprotected header(s) replaced by
 * empty maps, so that disclosures, receipts and anything else unsigned never enter a leaf while every signature
 * still verifies. COSE_Sign1 (tag 18) and COSE_Sign (tag 98), tagged or not; anything else is
 * `ERR_AU_ENTRY_INVALID`.
 */
export function logForm(message: Uint8Array): Uint8Array {
  let value: unknown;
  try {
    value = decodeCbor(message, { maxBytes: 1_048_576 });
  } catch (e) {
    throw auError('ERR_AU_ENTRY_INVALID', 'the message is not CBOR', { cause: e });
  }
  const tag = value instanceof Tagged ? value.tag : undefined;
  const items = value instanceof Tagged ? value.value : value;
  if (!Array.isArray(items) || items.length !== 4 || (tag !== undefined && tag !== 18 && tag !== 98)) {
    throw auError('ERR_AU_ENTRY_INVALID', 'the message is not a COSE_Sign1 or COSE_Sign');
  }
  const stripped = [...items];
  stripped[1] = new Map();
  if (tag === 98 || (tag === undefined && Array.isArray(items[3]))) {
    if (!Array.isArray(items[3])) throw auError('ERR_AU_ENTRY_INVALID', 'COSE_Sign without signatures');
    stripped[3] = items[3].map((s) => {
      if (!Array.isArray(s) || s.length !== 3) throw auError('ERR_AU_ENTRY_INVALID', 'malformed COSE_Signature');
      return [s[0], new Map(), s[2]];
    });
  }
  return encodeCbor(tag === undefined ? stripped : new Tagged(tag, stripped));
}

function checkEntrySize(length: number): void {
  if (length > MAX_ENTRY_BYTES) {
    throw auError('ERR_AU_ENTRY_INVALID', `entry of ${length} bytes, at most ${MAX_ENTRY_BYTES}`);
  }
}
