import type {
  Delivery,
  DeliveryState,
  RecordKind,
  StoredAck,
  StoredRecord,
  StoredSignal,
} from '../controller/store.js';
import type { AckStatus } from '../messages/acknowledgement.js';
import type { Level } from '../messages/common.js';

/** Rows of the control plane's SQL tables (SQLite and PostgreSQL share the layout) and their conversion. */
export interface SignalRow {
  jti: string;
  epoch: number | string;
  seq: number | string;
  bytes: Uint8Array;
  level: string;
  deadline: number | string;
  exp: number | string;
  agents: string;
}
export interface DeliveryRow {
  jti: string;
  agent: string;
  position: number | string;
  state: string;
  attempts: number;
  code: string | null;
}
export interface AckRow {
  jti: string;
  signal: string;
  agent: string;
  status: string;
  iat: number | string;
  bytes: Uint8Array;
}
export interface RecordRow {
  kind: string;
  jti: string;
  agent: string;
  signal: string | null;
  iat: number | string;
  bytes: Uint8Array;
}

/** Driver blobs are Buffers: hand out plain byte arrays, as the memory store does. */
export const plain = (b: Uint8Array) => new Uint8Array(b);

/** `key` undoes the text encoding a driver needed for ids (identity for SQLite). */
export function signalOf(r: SignalRow, key: (s: string) => string = (s) => s): StoredSignal {
  return {
    jti: key(r.jti),
    bytes: plain(r.bytes),
    level: r.level as Level,
    deadline: Number(r.deadline),
    exp: Number(r.exp),
    agents: JSON.parse(r.agents) as string[],
    order: [Number(r.epoch), Number(r.seq)],
  };
}

export function deliveryOf(r: DeliveryRow, key: (s: string) => string = (s) => s): Delivery {
  return {
    signal: key(r.jti),
    agent: key(r.agent),
    position: Number(r.position),
    state: r.state as DeliveryState,
    attempts: Number(r.attempts),
    ...(r.code === null ? {} : { code: r.code }),
  };
}

export function ackOf(r: AckRow, key: (s: string) => string = (s) => s): StoredAck {
  return {
    jti: key(r.jti),
    signal: key(r.signal),
    agent: key(r.agent),
    status: r.status as AckStatus,
    iat: Number(r.iat),
    bytes: plain(r.bytes),
  };
}

export function recordOf(r: RecordRow, key: (s: string) => string = (s) => s): StoredRecord {
  return {
    kind: r.kind as RecordKind,
    jti: key(r.jti),
    agent: key(r.agent),
    ...(r.signal === null ? {} : { signal: key(r.signal) }),
    iat: Number(r.iat),
    bytes: plain(r.bytes),
  };
}

/** The state an acknowledgement moves its delivery to. */
export const stateOfAck = (status: AckStatus): DeliveryState => (status === 'received' ? 'received' : 'final');

/** SQL for "the stored state is behind `$new`": the rank order of {@link DELIVERY_RANK}, for both dialects. */
export const rankSql = (column: string) =>
  `(CASE ${column} WHEN 'pending' THEN 0 WHEN 'received' THEN 1 WHEN 'final' THEN 2 WHEN 'failed' THEN 2 ELSE 3 END)`;
