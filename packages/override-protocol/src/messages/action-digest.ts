import { canonicalJson, sha256, toBase64Url } from '@safety-net/core';
import { ovError } from '../errors.js';

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
