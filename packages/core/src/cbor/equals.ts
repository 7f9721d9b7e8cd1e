import { snError } from '../errors/index.js';
import { bytesEqual, compareBytes } from '../util/bytes.js';
import { bignumParts } from './bignum.js';
import { encodeCbor } from './encode.js';
import { MAX_ENCODE_DEPTH } from './options.js';
import { CborFloat, type CborValue, Simple, Tagged } from './types.js';

/**
 * Structural equality in the CBOR data model: true when both values are the same data item, however they are
 * held in JavaScript. So `1` equals `1n`, a plain object equals a `Map` with the same text keys, map entry order
 * is ignored, `1` differs from `new CborFloat(1)`, `0` from `-0`, and `NaN` equals `NaN`. A bigint beyond 64 bits
 * equals the tag 2/3 bignum it encodes as. Throws `ERR_CBOR_UNSUPPORTED` when it has to compare a value outside
 * the data model (a mismatch found first just gives false) and `ERR_CBOR_TOO_DEEP` past 64 levels of nesting.
 *
 * @example
 * ```ts
 * cborEquals(decodeCbor(encodeCbor({ a: [1n] })), new Map([['a', [1]]])); // true
 * ```
 */
export function cborEquals(a: CborValue, b: CborValue): boolean {
  return equal(a, b, 0);
}

/** Numbers in one form per data item: integers as bigint (or a bignum tag), floats as CborFloat. */
function normalize(v: CborValue): CborValue {
  if (typeof v === 'number') return Number.isSafeInteger(v) && (v !== 0 || 1 / v > 0) ? BigInt(v) : new CborFloat(v);
  if (typeof v === 'bigint') {
    const big = bignumParts(v);
    return big ? new Tagged(big.tag, big.bytes) : v;
  }
  return v;
}

function equal(x: CborValue, y: CborValue, depth: number): boolean {
  const a = normalize(x);
  const b = normalize(y);
  if (typeof a === 'bigint' || typeof b === 'bigint') return a === b;
  if (a === null || typeof a !== 'object') {
    if (typeof a === 'function' || typeof a === 'symbol') throw unsupported(a);
    return a === b;
  }
  if (b === null || typeof b !== 'object') return false;
  if (a instanceof CborFloat) return b instanceof CborFloat && Object.is(a.value, b.value);
  if (a instanceof Uint8Array) return b instanceof Uint8Array && bytesEqual(a, b);
  if (a instanceof Simple) return b instanceof Simple && a.value === b.value;
  if (depth >= MAX_ENCODE_DEPTH) throw snError('ERR_CBOR_TOO_DEEP', `more than ${MAX_ENCODE_DEPTH} levels`);
  if (a instanceof Tagged) {
    return b instanceof Tagged && tagNumber(a.tag) === tagNumber(b.tag) && equal(a.value, b.value, depth + 1);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equal(a[i], b[i], depth + 1)) return false;
    return true;
  }
  const entriesA = mapEntries(a);
  const entriesB = mapEntries(b);
  if (entriesA === undefined) throw unsupported(a);
  if (entriesB === undefined || entriesA.length !== entriesB.length) return false;
  for (let i = 0; i < entriesA.length; i++) {
    const [keyA, valueA] = entriesA[i]!;
    const [keyB, valueB] = entriesB[i]!;
    if (!equal(keyA, keyB, depth + 1) || !equal(valueA, valueB, depth + 1)) return false;
  }
  return true;
}

/** The entries of a Map or plain object in deterministic key order, or undefined for anything else. */
function mapEntries(v: object): [CborValue, CborValue][] | undefined {
  let entries: [CborValue, CborValue][];
  if (v instanceof Map) entries = [...(v as Map<CborValue, CborValue>)];
  else if (isPlainObject(v)) entries = Object.entries(v as { [key: string]: CborValue });
  else return undefined;
  const keyed = entries.map((entry) => ({ entry, key: encodeCbor(entry[0]) }));
  keyed.sort((p, q) => compareBytes(p.key, q.key));
  return keyed.map((k) => k.entry);
}

function isPlainObject(v: object): boolean {
  if (Array.isArray(v) || v instanceof Tagged || v instanceof Simple || v instanceof CborFloat) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function tagNumber(tag: unknown): bigint {
  if (typeof tag === 'bigint') return tag;
  if (typeof tag === 'number' && Number.isSafeInteger(tag)) return BigInt(tag);
  throw snError('ERR_CBOR_UNSUPPORTED', `tag ${String(tag)} is not an integer`);
}

function unsupported(v: unknown) {
  return snError('ERR_CBOR_UNSUPPORTED', `a ${typeof v} has no CBOR form`);
}
