import type { AnyMessageType, MessageTypeRegistry } from '@safety-net/core';
import { UsageError } from './usage.js';

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
