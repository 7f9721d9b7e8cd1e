/**
 * The transparency log of @safety-net/cross-domain-audit: appends in memory beside the Agent Governance SDK's
 * hash-chained audit log over the same records; durable batched appends to SQLite beside better-sqlite3 inserting
 * the same leaf bytes in the same batches; inclusion and consistency proofs (generated and verified) in trees of
 * 1 000 and 1 000 000 entries. One operation of an append case is a batch of {@link BATCH} records. An append
 * case's inputs are built untimed, before each timed batch of operations (the peer's SQLite leaves already
 * encoded: our log encodes its entries as part of an append), from a stream of the case's own, so the two cases of
 * a pair take the same records in the same batches.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLogger } from '@microsoft/agent-governance-sdk';
import { algorithmByName, concatBytes, generateKey, getBackend, seededRandom, utf8 } from '@safety-net/core';
import {
  encodeLogEntry,
  type LogEntry,
  MemoryLogStore,
  TransparencyLog,
  verifyEntryInclusion,
  verifyTreeConsistency,
} from '@safety-net/cross-domain-audit';
import { SqliteLogStore } from '@safety-net/cross-domain-audit/sqlite';
import Database from 'better-sqlite3';
import { type CaseResult, measureGroup } from './harness.js';
import type { BenchGroup } from './signing.js';

/** Records per append operation, and per checkpoint of our log. */
const BATCH = 256;
/** Both in-memory logs start afresh every this many operations, so neither run grows without bound. */
const RESET_EVERY = 64;
const ORIGIN = 'bench.example/audit/main';

/** A real Ed25519 checkpoint signature per batch (the C2SP body signed with core's backend). */
function checkpointSigner() {
  const key = generateKey('Ed25519', seededRandom('bench-log-key'));
  const ed25519 = algorithmByName('Ed25519');
  return async (head: { origin: string; size: number; rootHash: Uint8Array }) => {
    const body = `${head.origin}\n${head.size}\n${Buffer.from(head.rootHash).toString('base64')}\n`;
    const signature = getBackend().sign(ed25519, key, utf8(body));
    return `${body}\n\u2014 ${head.origin} ${Buffer.from(concatBytes(new Uint8Array(4), signature)).toString('base64')}\n`;
  };
}

/** Record `n` of the stream every case draws from: an agent's action, its decision, a sequence number. */
function record(n: number) {
  return { agentId: 'agent-7', action: `tool.call ${n}`, decision: 'allow' as const };
}

type AgentRecord = ReturnType<typeof record>;

/** The entry our log is given for a record: its JSON as the body of an `ect` entry. */
const entryOf = (r: AgentRecord): LogEntry => ({ kind: 'ect', body: utf8(JSON.stringify(r)) });

/**
 * One case's inputs, from its own stream of records (so the two cases of a pair process the same records): before
 * each timed batch the harness calls `prepare(n)`, which builds the next n batches with `make` outside the timing,
 * and each operation takes the next one. Every record is distinct, and every batch is used once: a log finds a
 * record it holds already and does not write it again. A batch taken is let go, as a caller's would be, so that
 * no case's collections mark the inputs another case, or an earlier round, has used.
 */
function batches<T>(make: (records: AgentRecord[]) => T) {
  let n = 0;
  let ready: Array<T | undefined> = [];
  let taken = 0;
  return {
    prepare(operations: number) {
      ready = Array.from({ length: operations }, () => make(Array.from({ length: BATCH }, () => record(n++))));
      taken = 0;
    },
    take(): T {
      const batch = ready[taken];
      if (batch === undefined) throw new Error('bench batches were not prepared');
      ready[taken++] = undefined;
      return batch;
    },
  };
}

async function appendGroup(): Promise<BenchGroup> {
  const signer = checkpointSigner();
  const fresh = () => new TransparencyLog({ origin: ORIGIN, store: new MemoryLogStore(), signer, maxBatch: BATCH });
  let ours = fresh();
  let agt = new AuditLogger({ maxEntries: BATCH * RESET_EVERY });
  let ourOps = 0;
  let agtOps = 0;
  const ourInputs = batches((records) => records.map(entryOf));
  const agtInputs = batches((records) => records);
  // Setup check: both logs take a batch, and ours is a tree of exactly those entries.
  ourInputs.prepare(1);
  agtInputs.prepare(1);
  await ours.append(ourInputs.take());
  for (const r of agtInputs.take()) agt.log(r);
  if ((await ours.treeHead()).size !== BATCH || agt.length !== BATCH || !agt.verify()) {
    throw new Error('bench logs are not set up');
  }
  return {
    title: `log append in memory, ${BATCH} records per operation`,
    cases: [
      {
        name: 'audit.log.append',
        async: true,
        prepare: ourInputs.prepare,
        run: () => {
          if (++ourOps % RESET_EVERY === 0) ours = fresh();
          return ours.append(ourInputs.take());
        },
      },
      {
        name: 'agt.audit.append',
        async: true,
        prepare: agtInputs.prepare,
        run: async () => {
          if (++agtOps % RESET_EVERY === 0) agt = new AuditLogger({ maxEntries: BATCH * RESET_EVERY });
          let last: unknown;
          for (const r of agtInputs.take()) last = agt.log(r);
          return last;
        },
      },
    ],
  };
}

async function sqliteGroup(): Promise<BenchGroup> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-audit-log-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const ours = new TransparencyLog({
    origin: ORIGIN,
    store: new SqliteLogStore(join(dir, 'log.db')),
    signer: checkpointSigner(),
    maxBatch: BATCH,
  });
  // The peer: the same pragmas (WAL, full sync), one transaction per batch of the same leaf bytes.
  const raw = new Database(join(dir, 'raw.db'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.exec('CREATE TABLE leaf (idx INTEGER PRIMARY KEY, entry BLOB NOT NULL)');
  const insert = raw.prepare('INSERT INTO leaf (idx, entry) VALUES (?, ?)');
  let rawSize = 0;
  const insertBatch = raw.transaction((leaves: Uint8Array[]) => {
    for (const leaf of leaves) insert.run(rawSize++, leaf);
  });
  // Our log encodes its entries itself (that is part of an append); the peer is given the encoded leaves.
  const ourInputs = batches((records) => records.map(entryOf));
  const rawInputs = batches((records) => records.map((r) => encodeLogEntry(entryOf(r))));
  ourInputs.prepare(1);
  rawInputs.prepare(1);
  await ours.append(ourInputs.take());
  insertBatch(rawInputs.take());
  if ((await ours.treeHead()).size !== BATCH || rawSize !== BATCH) throw new Error('bench stores are not set up');
  return {
    title: `durable batched append to SQLite, ${BATCH} records per operation`,
    cases: [
      {
        name: 'audit.log.append.sqlite',
        async: true,
        prepare: ourInputs.prepare,
        run: () => ours.append(ourInputs.take()),
      },
      {
        name: 'sqlite.insert.raw',
        async: false,
        prepare: rawInputs.prepare,
        run: () => {
          insertBatch(rawInputs.take());
          return rawSize;
        },
      },
    ],
  };
}

/** A log of `size` entries in memory, built in batches of 65 536 (one checkpoint each). */
async function logOf(size: number) {
  let n = 0;
  const log = new TransparencyLog({
    origin: ORIGIN,
    store: new MemoryLogStore(),
    signer: checkpointSigner(),
    maxBatch: 65_536,
  });
  for (let at = 0; at < size; at += 65_536) {
    await log.append(Array.from({ length: Math.min(65_536, size - at) }, () => entryOf(record(n++))));
  }
  return log;
}

/** Proof cases of a tree of `size`: each operation proves a different entry (or prefix) and verifies the proof. */
async function proofCases(size: number, label: string) {
  const log = await logOf(size);
  const head = await log.treeHead();
  // Indices spread over the tree by a fixed stride, so no two consecutive operations read the same hashes.
  const stride = Math.floor(size * 0.618_034) | 1;
  let i = 0;
  let m = 0;
  const leafAt = new Map<number, Uint8Array>();
  const roots = new Map<number, Uint8Array>();
  const indices = Array.from({ length: 4096 }, (_, k) => (k * stride) % size);
  for (const index of indices) leafAt.set(index, await log.entry(index));
  const prefixes = indices.map((x) => x + 1);
  for (const p of prefixes) roots.set(p, await log.rootAt(p));
  const inclusion = async () => {
    const index = indices[i++ % indices.length]!;
    const path = await log.inclusionProof(index, head.size);
    verifyEntryInclusion({ entry: leafAt.get(index)!, index, size: head.size, path, rootHash: head.rootHash });
    return path;
  };
  const consistency = async () => {
    const size1 = prefixes[m++ % prefixes.length]!;
    const proof = await log.consistencyProof(size1, head.size);
    verifyTreeConsistency({ size1, rootHash1: roots.get(size1)!, size2: head.size, rootHash2: head.rootHash, proof });
    return proof;
  };
  await inclusion();
  await consistency();
  return [
    { name: `audit.proof.inclusion.${label}`, async: true, run: inclusion },
    { name: `audit.proof.consistency.${label}`, async: true, run: consistency },
  ];
}

/** What each group builds, and the names of its cases: a group none of whose cases is selected is not built. */
const GROUPS: ReadonlyArray<[readonly string[], () => Promise<BenchGroup>]> = [
  [['audit.log.append', 'agt.audit.append'], appendGroup],
  [['audit.log.append.sqlite', 'sqlite.insert.raw'], sqliteGroup],
  [
    [
      'audit.proof.inclusion.1k',
      'audit.proof.consistency.1k',
      'audit.proof.inclusion.1m',
      'audit.proof.consistency.1m',
    ],
    async () => ({
      title: 'inclusion and consistency proofs, generated and verified (1 000 and 1 000 000 entries)',
      cases: [...(await proofCases(1_000, '1k')), ...(await proofCases(1_000_000, '1m'))],
    }),
  ],
];

/** The log's cases, in three groups timed separately. */
export async function auditLogCases(selected: (c: { name: string }) => boolean): Promise<Record<string, CaseResult>> {
  const results: Record<string, CaseResult> = {};
  for (const [names, make] of GROUPS) {
    if (!names.some((name) => selected({ name }))) continue;
    const group = await make();
    const chosen = group.cases.filter(selected);
    console.error(`measuring ${group.title}: ${chosen.map((c) => c.name).join(', ')}`);
    Object.assign(results, await measureGroup(chosen));
  }
  return results;
}
