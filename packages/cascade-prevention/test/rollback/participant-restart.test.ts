import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ectHash, fixedClock, generateKey, keySet, publicKeyOf, randomUuid, seededRandom } from '@safety-net/core';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { codeOf } from '../../../../test-support/codes.js';
import { type PlanStep, rollbackComplete, rollbackPlan } from '../../src/messages/index.js';
import { RollbackParticipant } from '../../src/rollback/index.js';
import { type SqliteDatabase, SqliteParticipantStore } from '../../src/sqlite.js';
import { agentId, COORDINATOR, coordinatorKey, NOW } from './world.js';

const dir = mkdtempSync(join(tmpdir(), 'cp-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const clock = fixedClock(NOW * 1000);
const AGENT = agentId('shipping');
const step = (n: number): PlanStep => ({
  step: n,
  task: `t${n}`,
  agent: AGENT,
  resource: `shipments/${n}`,
  undo: { action: 'shipping.undo', params: 'A'.repeat(43) },
  key: `rb-x/t${n}`,
});

function excerpt(steps: PlanStep[], jti = randomUuid(seededRandom(JSON.stringify(steps)))) {
  return rollbackPlan.sign(
    {
      iss: COORDINATOR,
      iat: NOW,
      exp: NOW + 300,
      aud: AGENT,
      jti,
      wid: 'wf',
      pred: ['plan-1'],
      rollback: 'rb-x',
      steps,
    },
    coordinatorKey,
  );
}
const complete = rollbackComplete.sign(
  {
    iss: COORDINATOR,
    iat: NOW,
    jti: 'complete-1',
    wid: 'wf',
    pred: ['plan-1'],
    rollback: 'rb-x',
    status: 'completed',
    compensated: ['t0', 't1'],
    not_reversible: [],
    failed: [],
  },
  coordinatorKey,
);

/** A participant process over the SQLite file `path`: a new object is a restart. `hang` never lets handlers return. */
function participant(path: string, options: { hang?: boolean } = {}) {
  const db = new Database(path);
  db.exec('CREATE TABLE IF NOT EXISTS effect (key TEXT NOT NULL)');
  const p = new RollbackParticipant<SqliteDatabase>({
    agent: AGENT,
    key: generateKey('Ed25519', seededRandom('shipping')),
    coordinators: keySet([{ key: publicKeyOf(coordinatorKey), issuers: [COORDINATOR] }]),
    clock,
    random: seededRandom('p'),
    store: new SqliteParticipantStore(db),
    handlers: {
      'shipping.undo': async ({ key, commit }) => {
        const done = await commit((tx) => {
          tx.prepare('INSERT INTO effect (key) VALUES (?)').run(key);
          return { state: ectHash('before') };
        });
        // The process dies here, after its effect and result committed, before it answers.
        if (options.hang) await new Promise(() => {});
        return done;
      },
    },
  });
  const effects = () => (db.prepare('SELECT count(*) AS n FROM effect').get() as { n: number }).n;
  return { p, effects };
}

describe('participant restarted over its SQLite store', () => {
  it('keeps its fences: no new work on a resource under rollback, not even before it has read them back', async () => {
    const path = join(dir, `p${files++}.db`);
    await participant(path).p.raiseFences(excerpt([step(0), step(1)]));
    const { p } = participant(path); // killed and restarted
    expect(codeOf(() => p.fence.check('shipments/0'))).toBe('ERR_CP_FENCED');
    expect(codeOf(() => p.fence.check('unrelated'))).toBe('ERR_CP_FENCED');
    await p.open();
    expect(codeOf(() => p.fence.check('shipments/1'))).toBe('ERR_CP_FENCED');
    expect(codeOf(() => p.fence.check('unrelated'))).toBe('no error');
    await p.releaseFences(complete);
    expect(codeOf(() => p.fence.check('shipments/1'))).toBe('no error');
    // And the release itself survives the next restart.
    const again = participant(path).p;
    await again.open();
    expect(codeOf(() => again.fence.check('shipments/1'))).toBe('no error');
  });

  it('refuses, after a restart, to fence again for a replayed excerpt of a plan it completed', async () => {
    const path = join(dir, `p${files++}.db`);
    const first = participant(path).p;
    const fence = excerpt([step(0), step(1)]);
    await first.raiseFences(fence);
    await first.releaseFences(complete);
    const { p } = participant(path);
    await expect(p.raiseFences(fence)).rejects.toMatchObject({ code: 'ERR_CP_ROLLBACK_CONFLICT' });
    await expect(p.compensate(excerpt([step(0)]))).rejects.toMatchObject({ code: 'ERR_CP_ROLLBACK_CONFLICT' });
    expect(p.fence.isFenced('shipments/0')).toBe(false);
  });

  it('does not compensate twice when killed right after its effect committed', async () => {
    const path = join(dir, `p${files++}.db`);
    const dying = participant(path, { hang: true });
    await dying.p.raiseFences(excerpt([step(0)]));
    void dying.p.compensate(excerpt([step(0)]));
    await expect.poll(() => dying.effects()).toBe(1);
    const { p, effects } = participant(path);
    const result = await p.compensate(excerpt([step(0)], 'resent'));
    expect(effects()).toBe(1);
    expect(result.length).toBeGreaterThan(0);
    expect(await p.compensate(excerpt([step(0)], 'again'))).toEqual(result);
  });

  it('remembers the highest lease token across a restart and refuses a coordinator with a lower one', async () => {
    const path = join(dir, `p${files++}.db`);
    await participant(path).p.raiseFences(excerpt([step(0)]), { lease: 2 });
    const { p, effects } = participant(path);
    await expect(p.compensate(excerpt([step(0)]), undefined, { lease: 1 })).rejects.toMatchObject({
      code: 'ERR_CP_LEASE_LOST',
    });
    await expect(p.releaseFences(complete, { lease: 1 })).rejects.toMatchObject({ code: 'ERR_CP_LEASE_LOST' });
    expect(effects()).toBe(0);
    await p.compensate(excerpt([step(0)]), undefined, { lease: 3 });
    expect(effects()).toBe(1);
  });

  it('close() lets a compensation in flight finish, then refuses new calls', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let ran = 0;
    const p = new RollbackParticipant({
      agent: AGENT,
      key: generateKey('Ed25519', seededRandom('shipping')),
      coordinators: keySet([{ key: publicKeyOf(coordinatorKey), issuers: [COORDINATOR] }]),
      clock,
      handlers: {
        'shipping.undo': async () => {
          await gate;
          ran++;
          return { state: ectHash('before') };
        },
      },
    });
    const running = p.compensate(excerpt([step(0)]));
    await new Promise((resolve) => setTimeout(resolve, 10));
    let closed = false;
    const closing = p.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(closed).toBe(false);
    await expect(p.compensate(excerpt([step(1)]))).rejects.toMatchObject({ code: 'ERR_CP_ABORTED' });
    open();
    await closing;
    expect(ran).toBe(1);
    expect((await running).length).toBeGreaterThan(0);
  });
});
