/**
 * One trial of the crash suite: a coordinator process and three participant processes on loopback, killed with
 * SIGKILL at seeded points (a participant right after its effect committed, the coordinator between a call and
 * recording its answer, mid-release, or on a timer), restarted, until the rollback completes. Then the
 * invariants are checked from the participants' own effect logs and from probes of new work.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom, uniformSource } from '@safety-net/core';
import Database from 'better-sqlite3';
import { buildSync } from 'esbuild';
import type { PgTestSchemas } from '../../../../test-support/postgres.js';
import { poolOn } from '../../../../test-support/postgres.js';
import { migrate } from '../../src/postgres.js';
import { AGENTS, type Agent, agentId, ROLLBACK, resourcesOf, type StoreArgs, TASKS } from './world.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const source = (name: string) => fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
let bundles: string | undefined;

/**
 * The two process scripts bundled from source once (esbuild, `source` condition): the same code as running them
 * under tsx, without compiling the packages again at every one of the many restarts.
 */
function script(name: string): string {
  if (!bundles) {
    // Inside the package, so that the externals resolve from its node_modules.
    const cache = join(repoRoot, 'packages/cascade-prevention/node_modules/.cache');
    mkdirSync(cache, { recursive: true });
    bundles = mkdtempSync(join(cache, 'crash-'));
    buildSync({
      entryPoints: [source('participant-process'), source('coordinator-process')],
      outdir: bundles,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      conditions: ['source'],
      external: ['better-sqlite3', 'pg', '@hono/node-server'],
      outExtension: { '.js': '.mjs' },
      logLevel: 'error',
    });
    process.once('exit', () => rmSync(bundles!, { recursive: true, force: true }));
  }
  return join(bundles, `${name}.mjs`);
}

/** What one trial found. */
export interface TrialResult {
  readonly seed: string;
  readonly completed: boolean;
  /** Compensations applied more than once, and never. */
  readonly double: number;
  readonly missed: number;
  /** Resources still fenced after the rollback completed. */
  readonly fencesStuck: number;
  /** New work accepted on a resource while its fence should have held. */
  readonly acceptedUnderRollback: number;
  readonly kills: readonly string[];
}

interface Proc {
  child: ChildProcess;
  exited: Promise<number | null>;
  out: string;
  err: string;
}

function start(name: string, args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [script(name), ...args], {
    cwd: join(repoRoot, 'packages/cascade-prevention'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc: Proc = { child, out: '', err: '', exited: Promise.resolve(null) };
  child.stdout!.on('data', (d) => (proc.out += d));
  child.stderr!.on('data', (d) => (proc.err += d));
  proc.exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  return proc;
}

const until = async (check: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** The crash points a trial draws from. */
const PARTICIPANT_POINTS = ['after-commit', 'before-effect', 'after-fence', 'after-release', 'after-compensate'];
const COORDINATOR_POINTS = ['after-compensate', 'before-compensate', 'after-fence', 'mid-release', 'after-release'];

/** Runs one trial with `store` kind; PostgreSQL needs `schemas`. */
export async function runTrial(
  seed: string,
  kind: 'sqlite' | 'postgres',
  schemas?: { url: string; pg: PgTestSchemas },
): Promise<TrialResult> {
  const u = uniformSource(seededRandom(seed));
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(u() * xs.length)]!;
  const dir = mkdtempSync(join(tmpdir(), 'cp-crash-'));
  const storeOf = async (name: string): Promise<StoreArgs> => {
    if (kind === 'sqlite') return ['sqlite', join(dir, `${name}.sqlite`)];
    const schema = await schemas!.pg.create();
    return ['postgres', schemas!.url, schema];
  };
  const coordinatorStore = await storeOf('coordinator');
  if (coordinatorStore[0] === 'postgres') {
    const pool = poolOn(coordinatorStore[1], coordinatorStore[2], 1);
    await migrate(pool);
    await pool.end();
  }
  const participantStores = Object.fromEntries(
    await Promise.all(AGENTS.map(async (a) => [a, await storeOf(a)] as const)),
  ) as Record<Agent, StoreArgs>;

  // The schedule: 1–3 crashes, each a crash point of a process or a timer kill.
  const plan: Array<{ target: 'coordinator' | Agent | 'both'; point?: string; nth: number; afterMs: number }> = [];
  const crashes = 1 + Math.floor(u() * 3);
  for (let i = 0; i < crashes; i++) {
    const target = pick(['coordinator', 'coordinator', 'a', 'b', 'c', 'both'] as const);
    const timer = u() < 0.3 || target === 'both';
    const point = timer ? undefined : pick(target === 'coordinator' ? COORDINATOR_POINTS : PARTICIPANT_POINTS);
    plan.push({
      target,
      ...(point ? { point } : {}),
      nth: 1 + Math.floor(u() * 2),
      afterMs: 50 + Math.floor(u() * 1500),
    });
  }
  const kills: string[] = [];
  const envFor = (target: 'coordinator' | Agent): Record<string, string> => {
    const next = plan[0];
    if (!next?.point || next.target !== target) return {};
    plan.shift();
    kills.push(`${target}@${next.point}:${next.nth}`);
    return { CRASH: `${next.point}:${next.nth}` };
  };

  const ports: Partial<Record<Agent, number>> = {};
  const participants: Partial<Record<Agent, Proc>> = {};
  const alive = new Set<Agent>();
  const startParticipant = async (a: Agent) => {
    const p = start('participant-process', [a, String(ports[a] ?? 0), ...participantStores[a]], envFor(a));
    participants[a] = p;
    await until(() => /ready \d+/.test(p.out) || p.child.exitCode !== null || p.child.signalCode !== null, 60_000);
    const port = /ready (\d+)/.exec(p.out)?.[1];
    if (!port) throw new Error(`participant ${a} did not start: ${p.err}`);
    ports[a] = Number(port);
    alive.add(a);
    p.exited.then(() => alive.delete(a));
  };
  await Promise.all(AGENTS.map(startParticipant));
  const endpoints = JSON.stringify(
    Object.fromEntries(AGENTS.map((a) => [agentId(a), `http://127.0.0.1:${ports[a]}/${a}`])),
  );

  const events: Array<Record<string, unknown>> = [];
  let acceptedUnderRollback = 0;
  /** New work on every resource of `a`: refused while the fence holds. Called only while the coordinator is down. */
  const probe = async (a: Agent, mustRefuse: boolean) => {
    let accepted = 0;
    for (const r of resourcesOf(a)) {
      const url = () => `http://127.0.0.1:${ports[a]}/${a}/work/${encodeURIComponent(r)}`;
      // A participant that died at one of its own crash points just now is restarted before it is asked.
      const res = await fetch(url(), { method: 'POST' }).catch(async () => {
        await participants[a]!.exited;
        await startParticipant(a);
        return fetch(url(), { method: 'POST' });
      });
      if (res.status === 200) accepted++;
    }
    if (mustRefuse) acceptedUnderRollback += accepted;
    return accepted;
  };
  const seen = (type: string, agent?: string) =>
    events.some((e) => e.type === type && (agent === undefined || (e.agent === agent && e.ok !== false)));

  let done: Record<string, unknown> | undefined;
  const deadline = Date.now() + 120_000;
  for (let run = 0; !done && Date.now() < deadline; run++) {
    const coordinator = start('coordinator-process', [endpoints, ...coordinatorStore], envFor('coordinator'));
    // A timer kill of the coordinator, a participant or both, when the schedule's next entry is one.
    const timed = plan[0] && !plan[0].point ? plan.shift() : undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (timed) {
      timer = setTimeout(() => {
        kills.push(`${timed.target}@${timed.afterMs}ms`);
        if (timed.target !== 'coordinator') {
          const victim = timed.target === 'both' ? pick(AGENTS) : timed.target;
          participants[victim]?.child.kill('SIGKILL');
        }
        if (timed.target === 'coordinator' || timed.target === 'both') coordinator.child.kill('SIGKILL');
      }, timed.afterMs);
    }
    // Participants killed while the coordinator runs are restarted at once.
    let restarting = Promise.resolve();
    const watch = setInterval(() => {
      for (const a of AGENTS) {
        const p = participants[a]!;
        if (
          !alive.has(a) &&
          (p.child.exitCode !== null || p.child.signalCode !== null) &&
          coordinator.child.exitCode === null
        ) {
          alive.add(a);
          restarting = restarting
            .then(() => startParticipant(a))
            .catch(() => {
              alive.delete(a);
            });
        }
      }
    }, 20);
    const code = await coordinator.exited;
    if (process.env.CRASH_DEBUG) console.error(run, code, coordinator.out, coordinator.err);
    clearInterval(watch);
    clearTimeout(timer);
    await restarting;
    for (const line of coordinator.out.split('\n')) {
      if (!line.trim()) continue;
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (parsed.done) done = parsed.done as Record<string, unknown>;
      else events.push(parsed);
    }
    if (code === 0) break;
    // The coordinator is down: restart dead participants, then new work must be refused wherever a fence was
    // acknowledged and no Rollback Complete was made yet (so no release can have been sent).
    for (const a of AGENTS) {
      const p = participants[a]!;
      if (!alive.has(a) || p.child.exitCode !== null || p.child.signalCode !== null) {
        await p.exited;
        await startParticipant(a);
      }
    }
    for (const a of AGENTS) await probe(a, seen('fenced', agentId(a)) && !seen('completed'));
  }

  // After the rollback: nothing fenced any more.
  let fencesStuck = 0;
  if (done) for (const a of AGENTS) fencesStuck += resourcesOf(a).length - (await probe(a, false));
  for (const a of AGENTS) participants[a]?.child.kill('SIGKILL');
  await Promise.all(AGENTS.map((a) => participants[a]?.exited));

  const applied = await effectCounts(participantStores);
  const keys = TASKS.map((t) => `${ROLLBACK}/${t.task}`);
  const result: TrialResult = {
    seed,
    completed: done?.status === 'completed',
    double: keys.filter((k) => (applied.get(k) ?? 0) > 1).length,
    missed: keys.filter((k) => (applied.get(k) ?? 0) === 0).length,
    fencesStuck,
    acceptedUnderRollback,
    kills,
  };
  rmSync(dir, { recursive: true, force: true });
  return result;
}

/** Effects applied per compensation key, read from every participant's own log. */
async function effectCounts(stores: Record<Agent, StoreArgs>): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const spec of Object.values(stores)) {
    let rows: { key: string }[];
    if (spec[0] === 'sqlite') {
      const db = new Database(spec[1], { readonly: true });
      rows = db.prepare('SELECT key FROM effect').all() as { key: string }[];
      db.close();
    } else {
      const pool = poolOn(spec[1], spec[2], 1);
      rows = (await pool.query('SELECT key FROM effect')).rows as { key: string }[];
      await pool.end();
    }
    for (const { key } of rows) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
