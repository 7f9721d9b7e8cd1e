import { encodeCoseKey, fromBase64Url, fromUtf8, keyFromCoseKey, snError, toBase64Url, utf8 } from '@safety-net/core';
import type { AgentRegistration } from './registry.js';
import type { StoredAgent } from './store.js';

/**
 * A registration as the controller's store keeps it (spec §10): JSON text with the key as its COSE_Key
 * (base64url), which keeps a binary `kid` that a JWK could not carry.
 */
export function storedAgentOf(agent: AgentRegistration): StoredAgent {
  const text = JSON.stringify({ ...agent, key: toBase64Url(encodeCoseKey(agent.key)) });
  return { id: agent.id, bytes: utf8(text) };
}

/** The registration a stored agent holds; `ERR_INPUT_INVALID` when the store's bytes are not one. */
export function registrationOf(stored: StoredAgent): AgentRegistration {
  try {
    const { key, ...rest } = JSON.parse(fromUtf8(stored.bytes)) as Omit<AgentRegistration, 'key'> & { key: string };
    const publicKey = keyFromCoseKey(fromBase64Url(key));
    if (publicKey.type !== 'public') throw new Error('not a public key');
    return { ...rest, id: stored.id, key: publicKey };
  } catch (e) {
    throw snError('ERR_INPUT_INVALID', `the stored registration of ${stored.id} is unreadable`, { cause: e });
  }
}
