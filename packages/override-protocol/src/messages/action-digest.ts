import { canonicalJson, sha256, toBase64Url } from '@safety-net/core';
import { ovError } from '../errors.js';
import { ActionNameSchema, hasNoMembers } from './common.js';

const OVERRIDE_ACTIONS: ReadonlySet<string> = new Set(ActionNameSchema.options);
/**
 * Digests of the override actions without parameters, by name: pause, stop, resume and release never take any, and
 * a guard checks the digest of every signal it is sent, so these few are hashed once rather than once a signal.
 */
const withoutParams = new Map<string, string>();

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
  const { name, params } = action;
  if (!OVERRIDE_ACTIONS.has(name) || !hasNoMembers(params)) return digestOf(name, params);
  let digest = withoutParams.get(name);
  if (digest === undefined) {
    digest = digestOf(name, params);
    withoutParams.set(name, digest);
  }
  return digest;
}

function digestOf(name: string, params: object): string {
  return toBase64Url(sha256(canonicalJson({ name, params })));
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
