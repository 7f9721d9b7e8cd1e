import { BEHAVIORAL_MESSAGE_TYPES } from '@safety-net/behavioral-verification';
import { CASCADE_MESSAGE_TYPES } from '@safety-net/cascade-prevention';
import { ect, MessageTypeRegistry } from '@safety-net/core';
import { AUDIT_MESSAGE_TYPES } from '@safety-net/cross-domain-audit';
import { OVERRIDE_MESSAGE_TYPES } from '@safety-net/override-protocol';

/**
 * The message types that `message-*` vectors and the `safety-net` command know unless told otherwise: core's, then
 * each protocol package's exported list. A new protocol package adds its list here, one line.
 *
 * @example
 * ```ts
 * defaultRegistry().byName('bet').typ; // 'application/bet+cwt'
 * ```
 */
export function defaultRegistry(): MessageTypeRegistry {
  return new MessageTypeRegistry([
    ect,
    ...BEHAVIORAL_MESSAGE_TYPES,
    ...CASCADE_MESSAGE_TYPES,
    ...OVERRIDE_MESSAGE_TYPES,
    ...AUDIT_MESSAGE_TYPES,
  ]);
}
