import { sha256 } from '@noble/hashes/sha2.js';
import { snError, toBase64Url, utf8 } from '@safety-net/core';
import canonicalizeModule from 'canonicalize';
import { ovError } from '../errors.js';

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

/**
 * The action digest of spec §4.2: SHA-256 of the RFC 8785 form of an action (`{ name, params }`), as unpadded
 * base64url. Signals, acknowledgements, approvals, hand-offs and evidence name an action by it.
 *
 * @example
 * ```ts
 * actionDigest({ name: 'stop', params: {} }); // 'H20swNzx2vdbUE4cbeiI9YZ2NN0FPNN74--wJBbIWEQ'
 * ```
 */
export function actionDigest(action: { readonly name: string; readonly params: object }): string {
  return toBase64Url(sha256(canonicalJson({ name: action.name, params: action.params })));
}

/**
 * Refuses a message whose `act_digest` is not the digest of its `action` (`ERR_OV_ACTION_DIGEST`, spec §4.2): the
 * signature covers both, so only a faulty or dishonest signer produces a mismatch.
 */
export function checkActionDigest(claims: {
  readonly action: { readonly name: string; readonly params: object };
  readonly act_digest: string;
}): void {
  if (actionDigest(claims.action) !== claims.act_digest) {
    throw ovError('ERR_OV_ACTION_DIGEST', `act_digest is not the digest of action ${claims.action.name}`);
  }
}
