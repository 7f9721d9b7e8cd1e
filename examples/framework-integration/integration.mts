/**
 * What an agent framework wires in its first hour, written against the published packages: ECTs received through a
 * Hono middleware and sent with `ectFetch` over real HTTP, a tool call guarded by the behavioural monitor, a call
 * protected by composed resilience policies, and a rollback journalled in SQLite (and in PostgreSQL when
 * `DATABASE_URL` names a server). Each part prints one line; a broken promise throws.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { compileProfile, isActionRefused, Monitor } from '@safety-net/behavioral-verification';
import { Bulkhead, CircuitBreaker, retry, timeout, wrap } from '@safety-net/cascade-prevention';
import {
  EctDag,
  ectFetch,
  generateKey,
  isSafetyNetError,
  keySet,
  MemoryReplayCache,
  publicKeyOf,
  utf8,
} from '@safety-net/core';
import { executionContext, executionContextOf } from '@safety-net/core/hono';
import { Hono } from 'hono';
import { rollbackOnPostgres, rollbackOnSqlite } from './rollback.mjs';

// 1. ECTs over HTTP: the planner calls the executor; the executor's Hono app admits only verified ECTs.
const plannerId = 'spiffe://example.org/agent/planner';
const planner = { ...generateKey('Ed25519'), kid: utf8('planner-1') };
const app = new Hono();
app.use(
  '/tasks/*',
  executionContext({
    key: keySet([{ key: publicKeyOf(planner), issuers: [plannerId] }]),
    audience: 'http://executor.test',
    replay: new MemoryReplayCache(),
    dag: new EctDag(),
  }),
);
app.post('/tasks/run', (c) => c.json({ ran: executionContextOf(c).ects.map((e) => e.claims.exec_act) }));
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise((listening) => server.once('listening', listening));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const send = ectFetch({ key: planner, issuer: plannerId, audience: () => 'http://executor.test' });
const accepted = await send(`${base}/tasks/run`, { method: 'POST', ect: { exec_act: 'report.write', wid: 'job-7' } });
assert.deepEqual(await accepted.json(), { ran: ['report.write'] });
const bare = await fetch(`${base}/tasks/run`, { method: 'POST' });
assert.equal(bare.status, 401, 'a request without ECTs is refused');
server.close();
console.log('ECT over HTTP: a verified call served, a call without ECTs refused (401)');

// 2. The monitor guards a tool-calling loop: allowed calls run, a forbidden one never reaches the tool.
const monitor = new Monitor(
  compileProfile({
    actions: { unlisted: 'deny', rules: [{ id: 'search', effect: 'allow', pattern: 'web.search' }] },
  }),
  { mode: 'enforce' },
);
let toolRuns = 0;
const tool = async () => ++toolRuns;
const call = (jti: string, name: string) => ({ name, arguments: {}, jti, wid: 'job-7', iss: plannerId });
await monitor.guard(call('c1', 'web.search'), tool);
const blocked = await monitor.guard(call('c2', 'shell.exec'), tool).catch((e: unknown) => e);
assert.ok(isActionRefused(blocked) && blocked.code === 'ERR_BV_ACTION_BLOCKED');
assert.equal(toolRuns, 1);
console.log('monitor guard: web.search ran, shell.exec blocked before the tool ran');

// 3. Composed policies: retry outside a breaker, a bulkhead and a per-attempt timeout, one AbortSignal through all.
const policy = wrap(
  retry({ attempts: 3, backoff: { initialDelayMs: 5 } }),
  new CircuitBreaker({ id: 'llm', dependency: 'llm-gateway' }),
  new Bulkhead({ name: 'llm', maxConcurrent: 2 }),
  timeout(100),
);
let attempts = 0;
const reply = await policy.execute(async ({ signal }) => {
  attempts++;
  if (attempts === 1) throw new Error('gateway hiccup');
  assert.ok(!signal.aborted);
  return 'completion';
});
assert.equal(reply, 'completion');
const caller = new AbortController();
caller.abort();
const aborted = await policy.execute(async () => 'never', caller.signal).catch((e: unknown) => e);
assert.ok(isSafetyNetError(aborted, 'ERR_CP_ABORTED'));
console.log(`composed policies: answered after ${attempts} attempts; a caller's abort is not retried`);

// 4. Rollback with a durable participant and coordinator: SQLite embedded, PostgreSQL for several instances.
console.log(await rollbackOnSqlite(mkdtempSync(join(tmpdir(), 'integration-'))));
const databaseUrl = process.env.DATABASE_URL;
console.log(
  databaseUrl ? await rollbackOnPostgres(databaseUrl) : 'rollback on PostgreSQL: skipped (DATABASE_URL is not set)',
);
