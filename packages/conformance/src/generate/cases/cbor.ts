import type { Vector } from '../../format.js';
import { invalid, vector } from '../common.js';

interface Case {
  id: string;
  description: string;
  cbor: string;
  options?: Record<string, unknown>;
  /** The deterministic re-encoding, or the code of the refusal. */
  encoded?: string;
  error?: string;
}

const CASES: Case[] = [
  {
    id: 'cbor-valid-map',
    description:
      'A map with an integer and a text key in deterministic order decodes and re-encodes to the same bytes (core.md §3.1).',
    cbor: 'a20102616103',
    encoded: 'a20102616103',
  },
  {
    id: 'cbor-unsorted-keys-accepted',
    description:
      'Map keys out of deterministic order are accepted by default, since RFC 9052 signatures cover the bytes as received; re-encoding sorts them (core.md §3.3).',
    cbor: 'a26161030102',
    encoded: 'a20102616103',
  },
  {
    id: 'cbor-unsorted-keys-refused',
    description:
      'A caller that asks for fully deterministic input gets ERR_CBOR_UNSORTED_KEYS for keys out of order (core.md §3.3).',
    cbor: 'a26161030102',
    options: { require_sorted_keys: true },
    error: 'ERR_CBOR_UNSORTED_KEYS',
  },
  {
    id: 'cbor-float-kept-apart',
    description:
      'The half-precision float 1.0 stays a float: it re-encodes as f93c00, not as the integer 1 (core.md §3.2).',
    cbor: 'f93c00',
    encoded: 'f93c00',
  },
  {
    id: 'cbor-tag-kept',
    description: 'Tags are kept, not interpreted: tag 1 (epoch time) re-encodes unchanged (core.md §3.2).',
    cbor: 'c11a514b67b0',
    encoded: 'c11a514b67b0',
  },
  {
    id: 'cbor-depth-at-limit',
    description: '32 nested arrays are exactly at the default depth limit and are accepted (core.md §3.4).',
    cbor: `${'81'.repeat(32)}00`,
    encoded: `${'81'.repeat(32)}00`,
  },
  {
    id: 'cbor-too-deep',
    description: '33 nested arrays exceed the default depth limit of 32 (core.md §3.3, §3.4).',
    cbor: `${'81'.repeat(33)}00`,
    error: 'ERR_CBOR_TOO_DEEP',
  },
  {
    id: 'cbor-items-root-counts-at-limit',
    description:
      'An array holding one integer is two data items: the root counts, so it is accepted at an item limit of 2 (core.md §3.4).',
    cbor: '8100',
    options: { max_items: 2 },
    encoded: '8100',
  },
  {
    id: 'cbor-items-root-counts',
    description: 'The same two items against an item limit of 1: the root is an item too (core.md §3.3, §3.4).',
    cbor: '8100',
    options: { max_items: 1 },
    error: 'ERR_CBOR_TOO_MANY_ITEMS',
  },
  {
    id: 'cbor-items-map-entry',
    description: 'A map with one entry is three items: the map, its key and its value (core.md §3.3).',
    cbor: 'a10000',
    options: { max_items: 2 },
    error: 'ERR_CBOR_TOO_MANY_ITEMS',
  },
  {
    id: 'cbor-depth-scalar-root',
    description: 'A scalar at the root is at no nesting level, so a depth limit of 0 accepts it (core.md §3.4).',
    cbor: '00',
    options: { max_depth: 0 },
    encoded: '00',
  },
  {
    id: 'cbor-depth-tag-level',
    description: 'A tag is one nesting level, like an array or a map: depth limit 0 refuses tag 1 (core.md §3.3).',
    cbor: 'c100',
    options: { max_depth: 0 },
    error: 'ERR_CBOR_TOO_DEEP',
  },
  {
    id: 'cbor-map-int-and-float-keys',
    description:
      'Keys 0 and 0.0 have different encodings, so the map is valid on every platform, never ERR_CBOR_UNSUPPORTED (core.md §3.2).',
    cbor: 'a20001f9000002',
    encoded: 'a20001f9000002',
  },
  {
    id: 'cbor-map-zero-and-negative-zero-keys',
    description:
      "Keys 0 and -0.0 have different encodings, so the map is valid and keeps both, whatever the platform's numbers make of -0 (core.md §3.2).",
    cbor: 'a20000f9800001',
    encoded: 'a20000f9800001',
  },
  {
    id: 'cbor-map-negative-zero-key-unsorted',
    description:
      'The map of keys -0.0 and 0 given unsorted: accepted, and re-encoded with 0 first; -0.0 is neither dropped nor read as 0 (core.md §3.2, §3.3).',
    cbor: 'a2f98000010000',
    encoded: 'a20000f9800001',
  },
  {
    id: 'cbor-duplicate-key',
    description: 'A map whose key 1 appears twice is refused (core.md §3.3).',
    cbor: 'a201010102',
    error: 'ERR_CBOR_DUPLICATE_KEY',
  },
  {
    id: 'cbor-indefinite-length',
    description: 'An indefinite-length array is refused (core.md §3.3).',
    cbor: '9f01ff',
    error: 'ERR_CBOR_INDEFINITE_LENGTH',
  },
  {
    id: 'cbor-non-shortest-int',
    description:
      'The integer 23 encoded with a one-byte argument (18 17) instead of in the head is refused (core.md §3.3).',
    cbor: '1817',
    error: 'ERR_CBOR_NON_SHORTEST',
  },
  {
    id: 'cbor-non-shortest-float',
    description: '1.0 as a single-precision float, where half precision holds it exactly, is refused (core.md §3.3).',
    cbor: 'fa3f800000',
    error: 'ERR_CBOR_NON_SHORTEST',
  },
  {
    id: 'cbor-trailing-bytes',
    description: 'A second data item after the first is refused (core.md §3.3).',
    cbor: '0102',
    error: 'ERR_CBOR_TRAILING_BYTES',
  },
  {
    id: 'cbor-invalid-utf8',
    description: 'A text string holding the invalid UTF-8 sequence c3 28 is refused (core.md §3.3).',
    cbor: '62c328',
    error: 'ERR_CBOR_INVALID_UTF8',
  },
  {
    id: 'cbor-truncated',
    description: 'A two-byte integer argument with only one byte present (core.md §3.3).',
    cbor: '1901',
    error: 'ERR_CBOR_TRUNCATED',
  },
  {
    id: 'cbor-huge-length',
    description:
      'A byte string claiming 2^64 - 1 bytes in a 9-byte input is truncated, and must be found so without allocating (core.md §3.3).',
    cbor: '5bffffffffffffffff',
    error: 'ERR_CBOR_TRUNCATED',
  },
  {
    id: 'cbor-reserved-additional-info',
    description: 'Additional information 28 is reserved, so the head is ill-formed (core.md §3.3).',
    cbor: '1c',
    error: 'ERR_CBOR_MALFORMED',
  },
  {
    id: 'cbor-too-large',
    description: 'Five bytes against a size limit of four are refused before any is read (core.md §3.3, §3.4).',
    cbor: '0102030405',
    options: { max_bytes: 4 },
    error: 'ERR_CBOR_TOO_LARGE',
  },
];

/** `cbor-decode` vectors: strict decoding and deterministic re-encoding. */
export function cborVectors(): Vector[] {
  return CASES.map((c) =>
    vector({
      id: c.id,
      description: c.description,
      kind: 'cbor-decode',
      input: { cbor_hex: c.cbor },
      options: c.options ?? {},
      expected: c.error ? invalid(c.error) : { result: 'valid', encoded_hex: c.encoded! },
    }),
  );
}
