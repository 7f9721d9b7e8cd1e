import type { Outbox } from '../delivery/outbox.js';
import type { ControllerStore } from './store.js';

/**
 * The outbox a control plane's store keeps, as pull delivery reads it: `pullEndpoint({ outbox: outboxOf(store) })`
 * serves the agents' Server-Sent Events and long-polls from what the controller recorded (spec §7.2, §7.3).
 */
export function outboxOf(store: ControllerStore): Outbox {
  return {
    after: (agent, position, limit) => store.outboxAfter(agent, position, limit),
    waitFor: (agent, position, signal) => store.waitForOutbox(agent, position, signal),
  };
}
