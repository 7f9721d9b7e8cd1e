export { DEFAULT_LONG_POLL_WAIT, MAX_LONG_POLL_BYTES, MAX_LONG_POLL_WAIT } from './long-poll.js';
export {
  MAX_OUTBOX_EVENTS,
  MemoryOutbox,
  type MemoryOutboxOptions,
  OUTBOX_EVENT_NAMES,
  type Outbox,
  type OutboxEntry,
} from './outbox.js';
export { type PullOptions, type PullTarget, pullSignals } from './pull-client.js';
export { MAX_KEEP_ALIVE_MS, type PullEndpointOptions, pullEndpoint } from './pull-endpoint.js';
export { type SseEvent, SseParser } from './sse-parser.js';
