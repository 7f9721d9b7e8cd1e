import { auError } from '../errors.js';
import { MAX_ENTRY_BYTES } from '../log/entry.js';

/** An entry bundle (`tlog-tiles`): each entry as a big-endian uint16 length, then its bytes. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(entries.reduce((n, e) => n + 2 + e.length, 0));
  let at = 0;
  for (const e of entries) {
    if (e.length > MAX_ENTRY_BYTES) throw auError('ERR_AU_ENTRY_INVALID', `entry of ${e.length} bytes`);
    out[at] = e.length >> 8;
    out[at + 1] = e.length & 0xff;
    out.set(e, at + 2);
    at += 2 + e.length;
  }
  return out;
}

/** The entries of a bundle; `ERR_AU_ENTRY_INVALID` when it is truncated or holds other than `count` entries. */
export function decodeEntryBundle(bundle: Uint8Array, count: number): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let at = 0;
  while (at < bundle.length) {
    if (at + 2 > bundle.length) throw auError('ERR_AU_ENTRY_INVALID', 'entry bundle cut inside a length');
    const length = (bundle[at]! << 8) | bundle[at + 1]!;
    if (at + 2 + length > bundle.length) throw auError('ERR_AU_ENTRY_INVALID', 'entry bundle cut inside an entry');
    entries.push(bundle.slice(at + 2, at + 2 + length));
    at += 2 + length;
  }
  if (entries.length !== count) {
    throw auError('ERR_AU_ENTRY_INVALID', `entry bundle of ${entries.length} entries, expected ${count}`);
  }
  return entries;
}
