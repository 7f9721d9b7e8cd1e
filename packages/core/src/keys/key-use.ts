import { snError } from '../errors/index.js';

/** The key operations that make a key usable here: signing and verifying, by JWK name and by COSE value. */
const SIGNATURE_OPS: ReadonlySet<unknown> = new Set(['sign', 'verify', 1, 2]);
const MAX_KEY_OPS = 16;

/**
 * Checks a key's declared operations (JWK `key_ops`, RFC 7517 §4.3; COSE_Key `key_ops`, label 4, RFC 9052 §7.1):
 * absent, or a list naming signing or verifying. A key declared for encryption only is `ERR_KEY_UNSUPPORTED`: its
 * holder did not mean it to sign, and accepting it would let it speak in a role it was not given.
 */
export function checkKeyOps(ops: unknown, where: string): void {
  if (ops === undefined) return;
  if (!Array.isArray(ops) || ops.length === 0 || ops.length > MAX_KEY_OPS) {
    throw snError('ERR_KEY_INVALID', `${where} key_ops is not a list of 1…${MAX_KEY_OPS} operations`);
  }
  for (const op of ops) {
    if (typeof op !== 'string' && typeof op !== 'number')
      throw snError('ERR_KEY_INVALID', `${where} key_ops has a ${typeof op}`);
  }
  if (!ops.some((op) => SIGNATURE_OPS.has(op)))
    throw snError('ERR_KEY_UNSUPPORTED', `${where} key_ops allow neither sign nor verify`);
}

/** JWK `use` (RFC 7517 §4.2): absent or `"sig"`; `"enc"` or anything else is `ERR_KEY_UNSUPPORTED`. */
export function checkJwkUse(use: unknown): void {
  if (use === undefined || use === 'sig') return;
  if (typeof use !== 'string') throw snError('ERR_KEY_INVALID', 'JWK use is not a string');
  throw snError('ERR_KEY_UNSUPPORTED', `JWK use ${use.slice(0, 32)}: not a signature key`);
}
