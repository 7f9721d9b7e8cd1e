import {
  type Clock,
  fromUtf8,
  isSafetyNetError,
  type KeyResolver,
  type PublicKey,
  snError,
  systemClock,
} from '@safety-net/core';
import { readBody } from '@safety-net/core/internal';
import type { TreeHead } from '../checkpoint/tree-head.js';
import { verifyCheckpoint } from '../checkpoint/verify.js';
import { ERASURE_WORKFLOW } from '../erasure/eraser.js';
import { auError } from '../errors.js';
import type { ForkFinding } from '../fork/detect.js';
import { decodeLogEntry, entryLeafHash } from '../log/entry.js';
import { OriginSchema } from '../messages/common.js';
import type { EatDisclosedClaims } from '../messages/eat.js';
import type { TombstoneClaims } from '../messages/tombstone.js';
import type { ProfileSet } from '../profiles/registry.js';
import { verifyEat } from '../sd/audit-token.js';
import type { Disclosed } from '../sd/restore.js';
import { TileLogClient } from '../tiles/client.js';
import { checkWitnessPolicy, type WitnessPolicy, WitnessPolicySchema } from '../witness/policy.js';
import { causalOrder } from './causal-order.js';
import { type CheckpointGap, CheckpointLedger } from './checkpoint-ledger.js';
import { type DisclosureSource, disclosureCode, verifyPresentation } from './disclosures.js';
import { stitchBack } from './stitch-back.js';
import { readTombstones, type Tombstones } from './tombstones.js';

/** How a trace reads one log (spec §6): where it is served, what it must prove, and whose records it holds. */
export interface TraceLog {
  /** The log's URL prefix, e.g. `https://hospital.example/audit/main`. */
  readonly prefix: string;
  /** The witness policy every checkpoint of the log must meet; its `log.origin` is the log's origin. */
  readonly policy: WitnessPolicy;
  /** The key (or a resolver by `kid`) of the domain whose Execution Audit Tokens the log holds. */
  readonly key: PublicKey | KeyResolver;
  /** The `Authorization` header value the log's workflow index admits the auditor by, e.g. `Bearer <token>`. */
  readonly authorization: string;
  /** Checkpoints of this log the auditor already holds: a checkpoint met in the trace is compared with them. */
  readonly held?: readonly string[];
  /** The key (or resolver) the domain signs its tombstones with (spec §7.3); default: `key`. */
  readonly tombstoneKey?: PublicKey | KeyResolver;
  /** The auditor's presentations of the log's records; absent, the timeline holds what the leaves show. */
  readonly disclosures?: DisclosureSource;
  /** The auditor's role: a presented disclosure beyond what it may see (spec §4.3) is refused. */
  readonly role?: string;
}

/** Options of {@link traceWorkflow}. */
export interface TraceOptions {
  /** The logs to read the workflow from, by origin; each is also where stitches naming that origin are followed. */
  readonly logs: Readonly<Record<string, TraceLog>>;
  /** Discovery: how to read a log a stitch names that `logs` does not hold; without it, such a log is not read. */
  readonly discover?: (origin: string) => TraceLog | undefined | Promise<TraceLog | undefined>;
  /** The profiles the records name (default: the five of spec §4.2). */
  readonly profiles?: ProfileSet;
  /** For cosignature freshness (default: the system clock). */
  readonly clock?: Clock;
  readonly fetch?: typeof fetch;
  /** Most records read (default 100,000). */
  readonly maxRecords?: number;
  /** Most logs read, discovered ones included (default 32). */
  readonly maxDomains?: number;
}

/** A record of the workflow, verified: its log's checkpoint, its inclusion, its signature and profile checks. */
export interface TracedRecord {
  /** The origin of the log it was read from. */
  readonly log: string;
  readonly index: number;
  readonly leafHash: Uint8Array;
  /** Its claims as the auditor sees them (redacted claims without their disclosures are absent). */
  readonly claims: EatDisclosedClaims;
  /** The redacted fields the auditor's presentation disclosed, each matched to a digest of the logged record. */
  readonly disclosed: readonly Disclosed[];
}

/** Where a record stitched from: its log and index. */
export interface RecordRef {
  readonly log: string;
  readonly index: number;
}

/**
 * A gap of the trace (spec §6 step 4), named by `kind`; the gaps that come from a refusal carry its `code`. `log` is
 * the log the gap is in: for the stitch gaps, the peer log the stitch names.
 */
export type TraceGap =
  | CheckpointGap
  | { readonly kind: 'proof_failed'; readonly log: string; readonly index: number; readonly code: string }
  | { readonly kind: 'log_unreachable'; readonly log: string; readonly code: string }
  | {
      /** A presentation of a record that could not be obtained or does not verify against the logged record. */
      readonly kind: 'disclosure_invalid';
      readonly log: string;
      readonly index: number;
      readonly code: string;
    }
  | {
      /** A record proven and placed in the timeline whose disclosures a tombstone of the same log destroyed. */
      readonly kind: 'erased';
      readonly log: string;
      readonly index: number;
      /** The index of the (verified) tombstone that names it. */
      readonly tombstone: number;
      readonly reason: TombstoneClaims['reason'];
    }
  | {
      readonly kind: 'peer_record_missing';
      readonly log: string;
      readonly ect: string;
      readonly from: RecordRef;
    }
  | {
      readonly kind: 'stitch_unmatched';
      readonly log: string;
      readonly ect: string;
      readonly from: RecordRef;
      /** The peer records found for the stitch, none of which stitches back. */
      readonly peers: readonly number[];
    };

/** What {@link traceWorkflow} found. */
export interface WorkflowTrace {
  /** The verified records in causal order. */
  readonly timeline: readonly TracedRecord[];
  readonly missing: readonly TraceGap[];
  /** Checkpoint pairs that prove a log showed two trees (spec §5.8), to be signed as Fork Evidence. */
  readonly forks: readonly ForkFinding[];
}

const DEFAULT_MAX_RECORDS = 100_000;
const DEFAULT_MAX_DOMAINS = 32;

type Stitch = NonNullable<EatDisclosedClaims['stitch']>[number];

interface OpenLog {
  readonly config: TraceLog;
  readonly client: TileLogClient;
  readonly head: TreeHead;
}

const invalid = (why: string) => auError('ERR_AU_CONFIG_INVALID', `traceWorkflow: ${why}`);

function checkLimit(value: number | undefined, fallback: number, name: string): number {
  const n = value ?? fallback;
  if (!Number.isSafeInteger(n) || n < 1) throw invalid(`${name} must be a positive integer`);
  return n;
}

function checkLog(origin: string, log: TraceLog): void {
  if (!OriginSchema.safeParse(origin).success) throw invalid(`${origin} is not a log origin`);
  if (!WitnessPolicySchema.safeParse(log.policy).success || log.policy.log.origin !== origin) {
    throw invalid(`the witness policy of ${origin} is not a policy of that log`);
  }
  checkWitnessPolicy(log.policy);
  if (typeof log.authorization !== 'string' || log.authorization.length === 0) {
    throw invalid(`no auditor credentials for ${origin}`);
  }
  let url: URL;
  try {
    url = new URL(log.prefix);
  } catch {
    throw invalid(`the prefix of ${origin} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(`the prefix of ${origin} is not HTTP`);
}

/** The code of a failure met while reading a log: its own, or `ERR_INPUT_INVALID` for no answer (as §5.3's client). */
function codeOf(e: unknown): string {
  return isSafetyNetError(e) ? e.code : 'ERR_INPUT_INVALID';
}

/** One trace: the logs it opened, the records it read, the gaps it found. */
class Trace {
  readonly #options: TraceOptions;
  readonly #ledger: CheckpointLedger;
  readonly #maxRecords: number;
  readonly #maxDomains: number;
  readonly #clock: Clock;
  /** The witness policy of each log, configured or discovered: the ledger reads it when a checkpoint is met. */
  readonly #policies: Map<string, WitnessPolicy>;
  readonly #logs = new Map<string, Promise<OpenLog | undefined>>();
  readonly #records = new Map<string, Promise<TracedRecord | undefined>>();
  readonly #tombstones = new Map<string, Promise<Tombstones | undefined>>();
  /** Records whose reading left a gap already: a stitch to them is not reported again. */
  readonly #failed = new Set<string>();
  readonly missing: TraceGap[] = [];

  constructor(options: TraceOptions) {
    this.#options = options;
    this.#maxRecords = checkLimit(options.maxRecords, DEFAULT_MAX_RECORDS, 'maxRecords');
    this.#maxDomains = checkLimit(options.maxDomains, DEFAULT_MAX_DOMAINS, 'maxDomains');
    this.#clock = options.clock ?? systemClock;
    for (const [origin, log] of Object.entries(options.logs)) checkLog(origin, log);
    if (Object.keys(options.logs).length > this.#maxDomains) {
      throw auError('ERR_AU_TRACE_LIMIT', `more than ${this.#maxDomains} logs`);
    }
    this.#policies = new Map(Object.entries(options.logs).map(([origin, log]) => [origin, log.policy]));
    this.#ledger = new CheckpointLedger(this.#policies, this.#clock);
  }

  get forks(): readonly ForkFinding[] {
    return this.#ledger.forks;
  }

  /** A log opened once: its checkpoint verified against its policy; undefined (with its gap) when it cannot be. */
  open(origin: string): Promise<OpenLog | undefined> {
    let opened = this.#logs.get(origin);
    if (!opened) {
      if (this.#logs.size >= this.#maxDomains)
        throw auError('ERR_AU_TRACE_LIMIT', `more than ${this.#maxDomains} logs`);
      opened = this.#open(origin);
      this.#logs.set(origin, opened);
    }
    return opened;
  }

  async #open(origin: string): Promise<OpenLog | undefined> {
    let config = this.#options.logs[origin];
    if (!config && this.#options.discover) {
      config = await this.#options.discover(origin);
      if (config) {
        checkLog(origin, config);
        this.#policies.set(origin, config.policy);
      }
    }
    if (!config) {
      this.missing.push({ kind: 'log_unreachable', log: origin, code: 'ERR_KEY_UNTRUSTED' });
      return undefined;
    }
    for (const held of config.held ?? []) this.#ledger.accept(origin, held);
    const fetcher = this.#options.fetch ?? fetch;
    let text: string;
    try {
      const response = await fetcher(`${config.prefix.replace(/\/+$/, '')}/checkpoint`);
      if (response.status !== 200) {
        await response.body?.cancel();
        throw snError('ERR_INPUT_INVALID', `checkpoint answered ${response.status}`);
      }
      text = fromUtf8(await readBody(response, { max: 65_536 }));
    } catch (e) {
      this.missing.push({ kind: 'log_unreachable', log: origin, code: codeOf(e) });
      return undefined;
    }
    const outcome = this.#ledger.accept(origin, text);
    if (!outcome.ok) {
      this.missing.push(outcome.gap);
      return undefined;
    }
    const { size, rootHash } = outcome.checkpoint;
    const head: TreeHead = { origin, size, rootHash };
    const client = new TileLogClient({
      prefix: config.prefix,
      // Every proof is checked against `head`, already verified; the client opens no checkpoint of its own.
      openCheckpoint: async (note) => verifyCheckpoint(note, config.policy.log.keys, { origin }),
      fetch: fetcher,
    });
    // Checkpoints held or met of smaller sizes: the tiles of `head` must prove their roots (§5.8).
    const gap = await this.#ledger.compareSmaller(origin, { note: text, size }, (m) => client.prefixOf(m, head));
    if (gap) {
      this.missing.push(gap);
      return undefined;
    }
    return { config, client, head };
  }

  /** The indices a log's workflow index holds for `key`; undefined (with its gap) when the log cannot answer. */
  async lookup(origin: string, key: string): Promise<readonly number[] | undefined> {
    const log = await this.open(origin);
    if (!log) return undefined;
    let indices: number[];
    try {
      indices = await log.client.workflow(key, log.config.authorization);
    } catch (e) {
      this.missing.push({ kind: 'log_unreachable', log: origin, code: codeOf(e) });
      this.#logs.set(origin, Promise.resolve(undefined));
      return undefined;
    }
    // Entries sequenced after the checkpoint the trace verified are not proven by it: they wait for the next trace.
    return indices.filter((i) => i < log.head.size);
  }

  /** A record read once and verified; undefined when it is no EAT, or (with its gap) when it does not verify. */
  read(origin: string, index: number): Promise<TracedRecord | undefined> {
    const key = `${origin}\n${index}`;
    let record = this.#records.get(key);
    if (!record) {
      if (this.#records.size >= this.#maxRecords) {
        throw auError('ERR_AU_TRACE_LIMIT', `more than ${this.#maxRecords} records`);
      }
      record = this.#read(origin, index);
      this.#records.set(key, record);
    }
    return record;
  }

  /** The erasures a log's tombstones prove, read once per log; a tombstone that fails to verify is `proof_failed`. */
  #erasures(origin: string, log: OpenLog): Promise<Tombstones | undefined> {
    let read = this.#tombstones.get(origin);
    if (!read) {
      read = (async () => {
        const indices = await this.lookup(origin, ERASURE_WORKFLOW);
        if (!indices) return undefined;
        const found = await readTombstones(
          log.client,
          log.head,
          indices,
          log.config.tombstoneKey ?? log.config.key,
          this.#clock,
        );
        for (const { index, code } of found.failed) this.#fail(origin, index, code);
        return found;
      })();
      this.#tombstones.set(origin, read);
    }
    return read;
  }

  #fail(log: string, index: number, code: string): undefined {
    this.missing.push({ kind: 'proof_failed', log, index, code });
    this.#failed.add(`${log}\n${index}`);
    return undefined;
  }

  async #read(origin: string, index: number): Promise<TracedRecord | undefined> {
    const log = await this.open(origin);
    if (!log) return undefined;
    let bytes: Uint8Array;
    try {
      bytes = await log.client.entry(index, log.head);
    } catch (e) {
      return this.#fail(origin, index, codeOf(e));
    }
    let entry: ReturnType<typeof decodeLogEntry>;
    try {
      entry = decodeLogEntry(bytes);
    } catch (e) {
      return this.#fail(origin, index, codeOf(e));
    }
    // Only Execution Audit Tokens are records of the timeline; other entries of the workflow are not traced.
    if (entry.kind !== 'eat') return undefined;
    const verified = await verifyEat(entry.body, {
      key: log.config.key,
      profiles: this.#options.profiles,
      clock: this.#clock,
    });
    if (!verified.ok) {
      return this.#fail(origin, index, verified.error.code);
    }
    // An erased record stays in the timeline: its leaf, proven, still holds the facts without personal data.
    const erasure = (await this.#erasures(origin, log))?.erased.get(index);
    if (erasure) this.missing.push({ kind: 'erased', log: origin, index, ...erasure });
    const leafHash = entryLeafHash(bytes);
    const presented = (await this.#disclose(origin, log, { index, leafHash }, entry.body)) ?? verified;
    return { log: origin, index, leafHash, claims: presented.claims, disclosed: presented.disclosed };
  }

  /** The record's presentation to the auditor, verified against the logged body; undefined (maybe with a gap). */
  async #disclose(origin: string, log: OpenLog, record: { index: number; leafHash: Uint8Array }, body: Uint8Array) {
    const source = log.config.disclosures;
    if (!source) return undefined;
    try {
      const presentation = await source(record);
      if (!presentation) return undefined;
      return await verifyPresentation(presentation, body, {
        key: log.config.key,
        profiles: this.#options.profiles,
        role: log.config.role,
        clock: this.#clock,
      });
    } catch (e) {
      this.missing.push({ kind: 'disclosure_invalid', log: origin, index: record.index, code: disclosureCode(e) });
      return undefined;
    }
  }

  /** Follows one stitch of `from` into its peer log (spec §6 step 2); the peer records found, verified. */
  async follow(from: TracedRecord, stitch: Stitch): Promise<TracedRecord[]> {
    const indices = stitch.index !== undefined ? [stitch.index] : await this.lookup(stitch.log, stitch.ect);
    if (!indices) return [];
    const log = await this.open(stitch.log);
    if (!log) return [];
    if (stitch.index !== undefined && stitch.index >= log.head.size) {
      this.#gap('peer_record_missing', from, stitch);
      return [];
    }
    const peers = (await Promise.all(indices.map((i) => this.read(stitch.log, i)))).filter(
      (r): r is TracedRecord => r !== undefined,
    );
    // A peer record that could not be read or verified has its own gap already.
    if (indices.some((i) => this.#failed.has(`${stitch.log}\n${i}`))) return peers;
    if (peers.length === 0) this.#gap('peer_record_missing', from, stitch);
    else if (!peers.some((p) => stitchBack(stitch, from.log, p))) this.#gap('stitch_unmatched', from, stitch, peers);
    return peers;
  }

  #gap(kind: 'peer_record_missing' | 'stitch_unmatched', from: TracedRecord, s: Stitch, peers: TracedRecord[] = []) {
    const at = { log: s.log, ect: s.ect, from: { log: from.log, index: from.index } };
    if (kind === 'peer_record_missing') this.missing.push({ kind, ...at });
    else this.missing.push({ kind, ...at, peers: peers.map((p) => p.index) });
  }
}

/**
 * Reconstructs a workflow that crossed domains (spec §6): reads the records of `wid` from each configured log's
 * workflow index, each proven from tiles under a checkpoint that meets the log's witness policy, its signature and
 * profile checks verified; follows every stitch into the peer's log and checks that the peer record stitches back;
 * orders the records causally. What it finds is returned, never thrown: every gap with its code in `missing`, every
 * fork among the checkpoints met in `forks`. It throws only `ERR_AU_CONFIG_INVALID` for options out of range and
 * `ERR_AU_TRACE_LIMIT` when the workflow needs more records or logs than allowed.
 *
 * @example
 * ```ts
 * const { timeline, missing, forks } = await traceWorkflow('wf-dispense-17', {
 *   logs: { 'pharmacy.example/audit/main': { prefix, policy, key, authorization: 'Bearer …' } },
 * });
 * ```
 */
export async function traceWorkflow(wid: string, options: TraceOptions): Promise<WorkflowTrace> {
  if (typeof wid !== 'string' || wid.length < 1 || wid.length > 256) throw invalid('wid is 1 to 256 characters');
  const trace = new Trace(options);
  const found = new Map<string, TracedRecord>();
  const queue: TracedRecord[] = [];
  const take = (records: readonly (TracedRecord | undefined)[]) => {
    for (const r of records) {
      const key = `${r?.log}\n${r?.index}`;
      if (r && !found.has(key)) {
        found.set(key, r);
        queue.push(r);
      }
    }
  };
  // Every log the trace reaches, configured or named by a stitch, is asked for the workflow's records once.
  const asked = new Set<string>();
  const readWorkflow = async (origin: string) => {
    if (asked.has(origin)) return;
    asked.add(origin);
    const indices = (await trace.lookup(origin, wid)) ?? [];
    take(await Promise.all(indices.map((index) => trace.read(origin, index))));
  };
  await Promise.all(Object.keys(options.logs).map(readWorkflow));
  while (queue.length > 0) {
    const record = queue.shift()!;
    for (const stitch of record.claims.stitch ?? []) {
      take(await trace.follow(record, stitch));
      await readWorkflow(stitch.log);
    }
  }
  const records = [...found.values()];
  return {
    timeline: causalOrder(records).map((i) => records[i]!),
    missing: trace.missing,
    forks: trace.forks,
  };
}
