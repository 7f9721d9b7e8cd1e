import { snError } from '../errors/index.js';
import { toHex } from '../util/bytes.js';
import { bignumParts } from './bignum.js';
import { MAX_ENCODE_DEPTH } from './options.js';
import { CborFloat, type CborValue, Simple, Tagged } from './types.js';

/**
 * RFC 8949 §8 diagnostic notation, for humans (the CLI's `inspect`, error reports). Integers print as integers and
 * floats always with a fraction or exponent (`1` vs `1.0`); maps keep their iteration order. Throws
 * `ERR_CBOR_UNSUPPORTED` for values outside the data model and `ERR_CBOR_TOO_DEEP` past 64 levels.
 *
 * @example
 * ```ts
 * cborDiagnostic(decodeCbor(fromHex('c11a514b67b0'))); // '1(1363896240)'
 * cborDiagnostic(new Map([[1, [h, new CborFloat(2)]]])); // "{1: [h'0102', 2.0]}" when h is bytes 01 02
 * ```
 */
export function cborDiagnostic(value: CborValue): string {
  return diagnostic(value, 0);
}

function diagnostic(v: CborValue, depth: number): string {
  switch (typeof v) {
    case 'number':
      return Number.isSafeInteger(v) && (v !== 0 || 1 / v > 0) ? String(v) : floatText(v);
    case 'bigint': {
      const big = bignumParts(v);
      return big ? `${big.tag}(h'${toHex(big.bytes)}')` : String(v);
    }
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return String(v);
    case 'undefined':
      return 'undefined';
    case 'object':
      return v === null ? 'null' : objectText(v, depth);
    default:
      throw snError('ERR_CBOR_UNSUPPORTED', `a ${typeof v} has no CBOR form`);
  }
}

function objectText(v: object, depth: number): string {
  if (v instanceof Uint8Array) return `h'${toHex(v)}'`;
  if (v instanceof CborFloat) return floatText(v.value);
  if (v instanceof Simple) return `simple(${v.value})`;
  if (depth >= MAX_ENCODE_DEPTH) throw snError('ERR_CBOR_TOO_DEEP', `more than ${MAX_ENCODE_DEPTH} levels`);
  const inner = depth + 1;
  if (v instanceof Tagged) return `${String(v.tag)}(${diagnostic(v.value, inner)})`;
  if (Array.isArray(v)) return `[${v.map((e: CborValue) => diagnostic(e, inner)).join(', ')}]`;
  let entries: [CborValue, CborValue][];
  if (v instanceof Map) {
    entries = [...(v as Map<CborValue, CborValue>)];
  } else {
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) throw snError('ERR_CBOR_UNSUPPORTED', 'class instance');
    entries = Object.entries(v as { [key: string]: CborValue });
  }
  return `{${entries.map(([k, e]) => `${diagnostic(k, inner)}: ${diagnostic(e, inner)}`).join(', ')}}`;
}

/** A float as RFC 8949 writes it: always with a fraction or exponent, `-0.0`, `Infinity`, `NaN`. */
function floatText(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return 'Infinity';
  if (v === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (v === 0) return 1 / v < 0 ? '-0.0' : '0.0';
  const text = String(v);
  const e = text.indexOf('e');
  const mantissa = e < 0 ? text : text.slice(0, e);
  const withFraction = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return e < 0 ? withFraction : withFraction + text.slice(e);
}
