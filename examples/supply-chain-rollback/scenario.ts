import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import {
  blastRadius,
  CascadeDetector,
  type CoordinatorEvent,
  httpTransport,
  participantHandler,
  RollbackCoordinator,
  type RollbackOutcome,
} from '@safety-net/cascade-prevention';
import { SqliteParticipantStore, SqliteRollbackStore } from '@safety-net/cascade-prevention/sqlite';
import { EctDag, ectHash, fixedClock, generateKey, keySet, publicKeyOf, seededRandom, utf8 } from '@safety-net/core';
import { stoppingAtSettlement } from '../../test-support/stopping-store.js';
import { type Change, SupplyAgent } from './agent.js';

const START = Date.UTC(2026, 2, 3, 8, 0, 0);
const COORDINATOR = 'spiffe://logistics.example/rollback-coordinator';
const AGENTS = ['inventory', 'shipping', 'payment'] as const;
const agentId = (name: string) => `spiffe://logistics.example/agent/${name}`;

/** The work: batch B-17 is received, three orders are reserved, labelled and charged from it; order 4 is older. */
function work(): { agent: (typeof AGENTS)[number]; change: Change; pred: string[] }[] {
  const steps: { agent: (typeof AGENTS)[number]; change: Change; pred: string[] }[] = [
    {
      agent: 'inventory',
      change: {
        task: 'reserve-4',
        resource: 'stock/sku-7',
        after: 'qty=4',
        undo: 'inventory.restore',
        group: 'order-4',
      },
      pred: [],
    },
    {
      agent: 'shipping',
      change: {
        task: 'label-4',
        resource: 'shipments/order-4',
        after: 'label A-02/4',
        undo: 'shipping.cancel',
        group: 'order-4',
      },
      pred: ['reserve-4'],
    },
    {
      agent: 'payment',
      change: {
        task: 'charge-4',
        resource: 'charges/order-4',
        after: 'captured 120',
        undo: 'payment.refund',
        group: 'order-4',
      },
      pred: ['label-4'],
    },
    {
      agent: 'inventory',
      change: {
        task: 'receive-b17',
        resource: 'stock/sku-42',
        after: 'qty=110',
        undo: 'inventory.restore',
        group: 'batch-b17',
      },
      pred: [],
    },
  ];
  let stock = 110;
  let previous = 'receive-b17';
  for (const n of [1, 2, 3]) {
    stock -= 1;
    steps.push(
      {
        agent: 'inventory',
        change: {
          task: `reserve-${n}`,
          resource: 'stock/sku-42',
          after: `qty=${stock}`,
          undo: 'inventory.restore',
          group: `order-${n}`,
        },
        pred: [previous],
      },
      {
        agent: 'shipping',
        change: {
          task: `label-${n}`,
          resource: `shipments/order-${n}`,
          after: `label B-17/${n}`,
          undo: 'shipping.cancel',
          group: `order-${n}`,
        },
        pred: [`reserve-${n}`],
      },
      {
        agent: 'payment',
        change: {
          task: `charge-${n}`,
          resource: `charges/order-${n}`,
          after: 'captured 300',
          undo: 'payment.refund',
          group: `order-${n}`,
        },
        pred: [`label-${n}`],
      },
    );
    previous = `reserve-${n}`;
  }
  return steps;
}

/** What one run of the scenario produced. */
export interface RunReport {
  readonly title: string;
  readonly rootCause: string;
  readonly rootAgent: string;
  readonly blastRadius: { readonly tasks: number; readonly byAgent: Readonly<Record<string, number>> };
  readonly outcome: RollbackOutcome;
  readonly crashed: boolean;
  readonly retries: number;
  /** Compensations that changed state more than once for the same key: must be 0. */
  readonly doubleCompensations: number;
  readonly fencedRefusal: string;
  /** Every resource's value after the rollback. */
  readonly finalState: Record<string, string>;
  /** The digest each resource must have afterwards, from the checkpoints (§ expectedState). */
  readonly checkpointState: Record<string, string>;
  readonly events: readonly string[];
}

/**
 * The seed's supply chain: a bad inventory batch is found after three orders were reserved, labelled and charged
 * from it. The cascade detector names the batch as the root cause; the rollback coordinator (SQLite store, HTTP on
 * loopback) reverses the three agents' work as a unit to the checkpointed state while fences refuse new work on
 * the affected stock. Optionally with injected compensation failures and a coordinator that stops mid-rollback
 * and is restarted from its store. Deterministic from `seed`.
 */
export async function runSupplyChainRollback(options: {
  seed: string;
  failureRate: number;
  crashAfter?: number;
}): Promise<RunReport> {
  const clock = fixedClock(START);
  const random = seededRandom(`${options.seed}/failures`);
  const failing = () => random.bytes(1)[0]! < options.failureRate * 256;
  const coordinatorKey = { ...generateKey('Ed25519', seededRandom('supply/coordinator')), kid: utf8('coordinator') };
  const coordinators = keySet([{ key: publicKeyOf(coordinatorKey), issuers: [COORDINATOR] }]);
  let base = '';
  const agents = new Map(
    AGENTS.map((name) => {
      const key = { ...generateKey('Ed25519', seededRandom(`supply/${name}`)), kid: utf8(name) };
      const agent = new SupplyAgent(agentId(name), key, {
        coordinators,
        clock,
        random: seededRandom(`${options.seed}/${name}`),
        store: new SqliteParticipantStore(':memory:'),
        failing,
        endpoint: () => `${base}/${name}`,
      });
      return [name, agent];
    }),
  );
  // Each participant reads back the fences its store holds before it takes new work.
  await Promise.all([...agents.values()].map((a) => a.participant.open()));
  const server = createAdaptorServer({
    fetch: (request: Request) => {
      const agent = agents.get(new URL(request.url).pathname.split('/')[1] as (typeof AGENTS)[number]);
      return agent ? participantHandler(agent.participant)(request) : new Response(null, { status: 404 });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'supply-chain-'));
  try {
    // The work, each task an ECT node with its agent's signed checkpoint.
    const dag = new EctDag();
    const checkpoints = new Map<string, ReturnType<SupplyAgent['perform']>['claims']>();
    for (const { agent, change, pred } of work()) {
      clock.advance(1000);
      const a = agents.get(agent)!;
      dag.insert({
        jti: change.task,
        wid: 'wf-batch-b17',
        iat: Math.floor(clock.now() / 1000),
        iss: a.id,
        exec_act: change.undo.replace(/\..*/, '.do'),
        pred,
      });
      checkpoints.set(change.task, a.perform(change, pred).claims);
    }

    // Detection: the quality check fails the batch and the reservations of its defective units; two labels bounce.
    const detector = new CascadeDetector(dag);
    const failures = new Set(['receive-b17', 'reserve-1', 'reserve-2', 'reserve-3', 'label-2', 'label-3']);
    for (const jti of dag.topologicalOrder()) {
      const failed = failures.has(jti);
      detector.observe({ jti, outcome: failed ? 'failure' : 'success', latencyMs: 40, at: clock.now() });
    }
    const [cascade] = detector.cascades();
    const root = cascade!.rootCause;
    const radius = blastRadius(dag, root.jti);
    const checkpointState = expectedState(agents, [root.jti, ...radius.nodes], checkpoints);

    // The rollback, over HTTP, with its progress in SQLite.
    const events: string[] = [];
    let retries = 0;
    const onEvent = (e: CoordinatorEvent) => {
      if (e.type === 'attempt' && e.error) retries++;
      const line = describe(e);
      if (line) events.push(line);
    };
    const file = join(dir, 'coordinator.sqlite');
    const http = httpTransport();
    const coordinatorOptions = {
      iss: COORDINATOR,
      // A stable instance id: the restarted coordinator takes its rollback's lease back at once.
      instance: 'supply-coordinator',
      key: coordinatorKey,
      dag,
      checkpoints: (jti: string) => checkpoints.get(jti),
      participants: keySet([...agents.values()].map((a) => ({ key: publicKeyOf(a.key), issuers: [a.id] }))),
      clock,
      random: seededRandom(`${options.seed}/coordinator`),
      sleep: async (ms: number) => clock.advance(ms),
      retry: { attempts: 8, baseDelayMs: 200, maxDelayMs: 5000 },
      onEvent,
    };
    const request = {
      rollback: 'rb-batch-b17',
      root_cause: root.jti,
      scope: 'descendants' as const,
      known_good: [],
      reason: 'quality check failed batch B-17',
      deadline: Math.floor(clock.now() / 1000) + 3600,
    };
    let fencedRefusal = 'not tried';
    let crashed = false;
    let store = new SqliteRollbackStore(file);
    let outcome: RollbackOutcome;
    try {
      outcome = await new RollbackCoordinator({
        ...coordinatorOptions,
        store: stoppingAtSettlement(store, options.crashAfter ?? 0),
        transport: {
          ...http,
          raiseFences: async (to, e, s) => {
            await http.raiseFences(to, e, s);
            if (to.agent === agentId('inventory')) fencedRefusal = tryNewOrder(agents.get('inventory')!);
          },
        },
      }).rollback(request);
    } catch (e) {
      if (!(e instanceof Error) || e.message !== 'coordinator stopped') throw e;
      crashed = true;
      events.push(
        `coordinator stopped before recording compensation ${options.crashAfter}; restarted from its SQLite file`,
      );
      store.close();
      store = new SqliteRollbackStore(file);
      [outcome] = (await new RollbackCoordinator({ ...coordinatorOptions, store, transport: http }).resume()) as [
        RollbackOutcome,
      ];
    }
    store.close();
    const applied = [...agents.values()].flatMap((a) => [...a.applied.values()]);
    return {
      title: options.crashAfter
        ? `${Math.round(options.failureRate * 100)}% compensation failures and a coordinator restart`
        : 'clean run',
      rootCause: root.jti,
      rootAgent: root.agent,
      blastRadius: {
        tasks: radius.count,
        byAgent: Object.fromEntries(radius.byAgent.map((g) => [short(g.key), g.count])),
      },
      outcome,
      crashed,
      retries,
      doubleCompensations: applied.filter((n) => n > 1).length,
      fencedRefusal,
      finalState: Object.fromEntries([...agents.values()].flatMap((a) => [...a.state])),
      checkpointState,
      events,
    };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A new order on the fenced stock while the rollback runs: refused. */
function tryNewOrder(inventory: SupplyAgent): string {
  try {
    inventory.perform(
      { task: 'reserve-5', resource: 'stock/sku-42', after: 'qty=106', undo: 'inventory.restore', group: 'order-5' },
      [],
    );
    return 'accepted';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

/**
 * The digest each resource must have after the rollback: what the checkpoint of the first task in scope that
 * changed it recorded as `before`; resources outside the scope keep their present value.
 */
function expectedState(
  agents: Map<string, SupplyAgent>,
  scope: readonly string[],
  checkpoints: Map<string, { task: string; resource: string; before: string }>,
): Record<string, string> {
  const expected = new Map([...agents.values()].flatMap((a) => [...a.state].map(([r, v]) => [r, ectHash(v)] as const)));
  const inScope = new Set(scope);
  const seen = new Set<string>();
  for (const c of checkpoints.values()) {
    if (!inScope.has(c.task) || seen.has(c.resource)) continue;
    seen.add(c.resource);
    expected.set(c.resource, c.before);
  }
  return Object.fromEntries(expected);
}

/** One timeline line per event worth showing. */
function describe(e: CoordinatorEvent): string | undefined {
  switch (e.type) {
    case 'planned':
      return `planned ${e.steps} compensations, in reverse order of the work`;
    case 'fenced':
      return e.ok ? `fenced ${short(e.agent)}` : `could not fence ${short(e.agent)}`;
    case 'attempt':
      return e.error
        ? `${short(e.step.agent)} failed to undo ${e.step.task} (attempt ${e.attempt}); retrying`
        : undefined;
    case 'settled':
      return e.status === 'compensated'
        ? `${short(e.step.agent)} undid ${e.step.task}`
        : `${short(e.step.agent)}: ${e.step.task} ${e.status}`;
    case 'completed':
      return `rollback ${e.status}`;
  }
}

const short = (id: string) => id.slice(id.lastIndexOf('/') + 1);

function show(r: RunReport): void {
  const o = r.outcome;
  console.log(`  ${r.title}:`);
  for (const e of r.events) console.log(`    ${e}`);
  console.log(`    new order on stock/sku-42 during the rollback: ${r.fencedRefusal}`);
  console.log(
    `    → ${o.status}: ${o.compensated.length} compensated, ${o.not_reversible.length} not reversible, ${o.failed.length} failed; ` +
      `${r.retries} retries; double compensations: ${r.doubleCompensations}`,
  );
  const restored = Object.entries(r.checkpointState).every(([res, digest]) => ectHash(r.finalState[res]!) === digest);
  console.log(`    state equals the checkpoint: ${restored ? 'yes' : 'NO'}\n`);
}

/** `pnpm demo`: both runs, and whether they end in the same state. */
export async function main(): Promise<void> {
  console.log('Supply-chain rollback — a bad inventory batch is reversed across inventory, shipping and payment\n');
  const clean = await runSupplyChainRollback({ seed: 'supply-chain', failureRate: 0 });
  console.log(
    `  root cause: ${clean.rootCause} (${short(clean.rootAgent)}); blast radius ${clean.blastRadius.tasks} tasks ${JSON.stringify(clean.blastRadius.byAgent)}\n`,
  );
  show(clean);
  const rough = await runSupplyChainRollback({ seed: 'supply-chain', failureRate: 0.1, crashAfter: 4 });
  show(rough);
  const same = JSON.stringify(clean.finalState) === JSON.stringify(rough.finalState);
  console.log(`  both runs end in the same state: ${same ? 'yes' : 'NO'}\n`);
}
