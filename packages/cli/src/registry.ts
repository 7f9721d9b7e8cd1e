import { behavioralProfile, bet, observation, performanceProfile } from '@safety-net/behavioral-verification';
import { CASCADE_MESSAGE_TYPES } from '@safety-net/cascade-prevention';
import { type AnyMessageType, ect, MessageTypeRegistry } from '@safety-net/core';
import { UsageError } from './usage.js';

/**
 * The message types the command and the vector runner know unless told otherwise: `--type` names and the `type`
 * of `message-*` vectors. Each protocol package's types are added here as the package joins the command.
 */
export function defaultRegistry(): MessageTypeRegistry {
  return new MessageTypeRegistry([
    ect,
    behavioralProfile,
    observation,
    bet,
    performanceProfile,
    ...CASCADE_MESSAGE_TYPES,
  ]);
}

/** The message type named by `--type`; an unknown name is a usage error that lists the known ones. */
export function messageTypeByName(registry: MessageTypeRegistry, command: string, name: string): AnyMessageType {
  const type = registry.list().find((t) => t.name === name);
  if (!type) {
    const known = registry
      .list()
      .map((t) => t.name)
      .join(', ');
    throw new UsageError(`${command}: unknown message type ${name} (known: ${known})`);
  }
  return type;
}
