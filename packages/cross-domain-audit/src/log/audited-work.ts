import { type Clock, type DagNode, type KeyResolver, type PublicKey, systemClock } from '@safety-net/core';
import { auError } from '../errors.js';
import type { ProfileSet } from '../profiles/registry.js';
import { verifyEat } from '../sd/audit-token.js';
import type { LogStore } from '../store/log-store.js';
import { decodeLogEntry } from './entry.js';

/** Options of {@link AuditedWork}. */
export interface AuditedWorkOptions {
  /** The log's store: memory, SQLite or PostgreSQL. */
  readonly store: LogStore;
  /** The key the log's EATs are signed with (the auditing domain's), or a resolver for several. */
  readonly key: PublicKey | KeyResolver;
  /** The regulatory profiles the EATs name; default the built-in ones. */
  readonly profiles?: ProfileSet;
  readonly clock?: Clock;
  /** Most entries read from the store at once (default 1,024, 1 to 65,536). */
  readonly batch?: number;
}

/** Where the view found an audited ECT: the index of the EAT's entry in the log, and the EAT's `jti`. */
export interface AuditedWorkSource {
  readonly index: number;
  readonly eat: string;
}

/**
 * The ECTs a transparency log's EATs audit, as ECT DAG nodes (spec §5.10): what the log's domain saw the agents do,
 * e.g. the `work` option of an override control plane, whose `no_ect_after_halt` check judges the work the audit
 * ledger received after a halt. Each EAT entry gives the node of the ECT it audits: `jti`, `wid` and `iss` from its
 * `ect`, `exec_act` its `action`, `pred` its `pred` after the first, and `iat` **the EAT's `iat`** — when the log's
 * domain recorded the action, a time the audited agent cannot set. The payload names the EAT's entry index and
 * `jti`. Every EAT is verified under `key` before it counts. Only EAT entries are read; an ECT audited twice keeps
 * its first EAT's node; an erased record still counts (erasure destroys disclosures, never the leaf's facts).
 *
 * Reads are incremental: each `read()` verifies only the entries appended since the last one, and concurrent calls
 * run one after the other. The first verifies the whole log, so read once at start-up where answers must be prompt. An entry that does not verify stops the view there: `read()` rejects with its error, and
 * so does every later call, rather than pass over work it cannot vouch for.
 *
 * @example
 * ```ts
 * const ledger = new AuditedWork({ store, key: auditKey });
 * const controller = new OverrideController({ ...options, work: () => ledger.read() });
 * ```
 */
export class AuditedWork {
  readonly #options: AuditedWorkOptions;
  readonly #batch: number;
  readonly #nodes: DagNode<AuditedWorkSource>[] = [];
  readonly #seen = new Set<string>();
  #position = 0;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: AuditedWorkOptions) {
    const batch = options.batch ?? 1024;
    if (!Number.isSafeInteger(batch) || batch < 1 || batch > 65_536) {
      throw auError('ERR_AU_CONFIG_INVALID', 'batch: 1 to 65,536');
    }
    this.#options = options;
    this.#batch = batch;
  }

  /** How many of the log's entries the view has read. */
  get position(): number {
    return this.#position;
  }

  /** Reads what the log integrated since the last call; resolves with every node read so far, in log order. */
  read(): Promise<Iterable<DagNode<AuditedWorkSource>>> {
    const run = this.#queue.then(() => this.#catchUp());
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #catchUp(): Promise<Iterable<DagNode<AuditedWorkSource>>> {
    const { store } = this.#options;
    const size = (await store.state())?.size ?? 0;
    while (this.#position < size) {
      const entries = await store.entries(this.#position, Math.min(size, this.#position + this.#batch));
      for (const entry of entries) {
        await this.#take(entry, this.#position);
        this.#position++;
      }
    }
    // A snapshot: the list only grows, so the first `count` nodes are this read's, whatever later reads add.
    const nodes = this.#nodes;
    const count = nodes.length;
    return {
      *[Symbol.iterator]() {
        for (let i = 0; i < count; i++) yield nodes[i]!;
      },
    };
  }

  async #take(bytes: Uint8Array, index: number): Promise<void> {
    const entry = decodeLogEntry(bytes);
    if (entry.kind !== 'eat') return;
    const { key, profiles, clock = systemClock } = this.#options;
    const verified = await verifyEat(entry.body, { key, clock, ...(profiles ? { profiles } : {}) });
    if (!verified.ok) throw verified.error;
    const { claims } = verified;
    if (this.#seen.has(claims.ect.jti)) return;
    this.#seen.add(claims.ect.jti);
    this.#nodes.push(
      Object.freeze({
        jti: claims.ect.jti,
        wid: claims.ect.wid,
        iat: claims.iat,
        iss: claims.ect.iss,
        exec_act: claims.action,
        pred: Object.freeze(claims.pred.slice(1)),
        ect_ext: undefined,
        payload: Object.freeze({ index, eat: claims.jti }),
        position: this.#nodes.length,
      }),
    );
  }
}
