import canonicalizeModule from 'canonicalize';
import { snError } from '../errors/index.js';
import { utf8 } from './bytes.js';

// canonicalize is an ES module only: the CommonJS build loads it with require(), whose default import is then the
// module namespace rather than the function.
const canonicalize: (value: unknown) => string | undefined =
  typeof canonicalizeModule === 'function'
    ? canonicalizeModule
    : (canonicalizeModule as unknown as { default: typeof canonicalizeModule }).default;

/**
 * The RFC 8785 (JSON Canonicalization Scheme) form of a JSON value, as UTF-8 bytes. `ERR_INPUT_INVALID` for a
 * value JSON cannot carry (a lone surrogate, a non-finite number, a cycle, undefined at the top).
 *
 * @example
 * ```ts
 * new TextDecoder().decode(canonicalJson({ params: {}, name: 'stop' })); // '{"name":"stop","params":{}}'
 * ```
 */
export function canonicalJson(value: unknown): Uint8Array {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (e) {
    throw snError('ERR_INPUT_INVALID', 'the value has no RFC 8785 form', { cause: e });
  }
  if (text === undefined) throw snError('ERR_INPUT_INVALID', 'the value has no JSON form');
  return utf8(text);
}
