/**
 * What the strict decoder accepts. Every relaxation is opt-in; the limits bound the work an untrusted input can
 * cause.
 */
export interface DecodeOptions {
  /** Largest accepted input in bytes, checked before parsing (`ERR_CBOR_TOO_LARGE`). Default 1 MiB. */
  maxBytes?: number;
  /** Deepest nesting of arrays, maps and tags (`ERR_CBOR_TOO_DEEP`). Default 32, at most 1000. */
  maxDepth?: number;
  /** Most data items, counting keys, values, tag contents and string chunks (`ERR_CBOR_TOO_MANY_ITEMS`). Default 65 536. */
  maxItems?: number;
  /** Accept indefinite-length strings, arrays and maps (else `ERR_CBOR_INDEFINITE_LENGTH`). */
  allowIndefinite?: boolean;
  /**
   * Accept integers, lengths, tags and floats that are not in preferred serialization (RFC 8949 §4.2.1, §4.2.2),
   * including NaNs other than f97e00 (else `ERR_CBOR_NON_SHORTEST`).
   */
  allowNonShortest?: boolean;
  /** Require map keys in bytewise order of their deterministic encodings (else `ERR_CBOR_UNSORTED_KEYS`). */
  requireSortedKeys?: boolean;
}

/** The default bounds applied to every decode. */
export const DEFAULT_DECODE_LIMITS: Readonly<Required<Pick<DecodeOptions, 'maxBytes' | 'maxDepth' | 'maxItems'>>> =
  Object.freeze({ maxBytes: 1_048_576, maxDepth: 32, maxItems: 65_536 });

/**
 * Deepest nesting that `encodeCbor`, `cborEquals` and `cborDiagnostic` walk (`ERR_CBOR_TOO_DEEP`), so that a
 * cyclic structure fails fast instead of hanging or overflowing the stack.
 */
export const MAX_ENCODE_DEPTH = 64;

/**
 * Largest accepted `maxDepth`. The decoder recurses once per level; this keeps it far from any engine's stack
 * limit, so that deep input always ends in `ERR_CBOR_TOO_DEEP`, never a stack overflow.
 */
export const MAX_DEPTH_CEILING = 1000;
