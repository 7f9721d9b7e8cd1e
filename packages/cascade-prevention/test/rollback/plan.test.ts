import { bet } from '@safety-net/behavioral-verification';
import { checkpoint as checkpointType, cpError } from '@safety-net/cascade-prevention';
import { type DagNodeInput, EctDag, isSafetyNetError } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../../../../test-support/codes.js';
import { type CheckpointInput, layeredWorkflow, planRollback, type RollbackRequestInput } from '../../src/index.js';
import { AGENTS } from '../cascade/simulate.js';
import { childrenOf, parentsOf, reach } from '../naive.js';

const T0 = 1_767_225_600;
const BEFORE = 'A'.repeat(43);
const AFTER = 'B'.repeat(43);
const PARAMS = 'C'.repeat(43);

function node(jti: string, iss: string, pred: string[], iat = T0, exec_act = `${iss}.run`, wid = 'w'): DagNodeInput {
  return { jti, wid, iat, iss, exec_act, pred };
}

function checkpoint(n: DagNodeInput, extra: Partial<CheckpointInput> = {}): CheckpointInput {
  return {
    task: n.jti,
    iss: n.iss,
    resource: `${n.iss}/db`,
    before: BEFORE,
    after: AFTER,
    undo: { action: `${n.iss}.undo`, params: PARAMS },
    ...extra,
  };
}

function request(root_cause: string, extra: Partial<RollbackRequestInput> = {}): RollbackRequestInput {
  return { rollback: 'rb-1', root_cause, scope: 'descendants', known_good: [], ...extra };
}

// inventory → shipping → payment, with a BET record on shipping, and a second branch.
const supply = [
  node('inv', 'inventory', [], T0),
  node('ship', 'shipping', ['inv'], T0 + 1),
  node('bet', 'monitor', ['ship'], T0 + 2, bet.dag!.execAct),
  node('pay', 'payment', ['ship'], T0 + 2),
  node('note', 'notify', ['inv'], T0 + 3),
  node('done', 'payment', ['pay', 'bet', 'note'], T0 + 4),
];
const byId = new Map(supply.map((n) => [n.jti, n]));

describe('planRollback', () => {
  it('plans the supply chain in reverse topological order, by hand', () => {
    const dag = EctDag.from(supply);
    const checkpoints: Record<string, CheckpointInput> = {
      inv: checkpoint(byId.get('inv')!, { group: 'order-17' }),
      ship: checkpoint(byId.get('ship')!, {
        group: 'order-17',
        undo: { action: 'cancel', params: PARAMS, endpoint: 'https://s/c' },
      }),
      pay: checkpoint(byId.get('pay')!, { undo: 'not_reversible' }),
      note: checkpoint(byId.get('note')!, { after: BEFORE }),
      done: checkpoint(byId.get('done')!),
    };
    const plan = planRollback(dag, request('inv'), (jti) => checkpoints[jti]);
    // Ready first: done. Then pay (iat +2), bet (iat +2, 'bet' < 'pay') and note (+3): note, bet, pay; then ship, inv.
    expect(plan.scope).toEqual(['done', 'note', 'bet', 'pay', 'ship', 'inv']);
    expect(plan.records).toEqual(['bet']);
    expect(plan.unchanged).toEqual(['note']);
    expect(plan.steps).toEqual([
      {
        step: 0,
        task: 'done',
        agent: 'payment',
        resource: 'payment/db',
        undo: { action: 'payment.undo', params: PARAMS },
        key: 'rb-1/done',
      },
      { step: 1, task: 'pay', agent: 'payment', resource: 'payment/db', undo: 'not_reversible', key: 'rb-1/pay' },
      {
        step: 2,
        task: 'ship',
        agent: 'shipping',
        resource: 'shipping/db',
        undo: { action: 'cancel', params: PARAMS, endpoint: 'https://s/c' },
        key: 'rb-1/ship',
        group: 'order-17',
      },
      {
        step: 3,
        task: 'inv',
        agent: 'inventory',
        resource: 'inventory/db',
        undo: { action: 'inventory.undo', params: PARAMS },
        key: 'rb-1/inv',
        group: 'order-17',
      },
    ]);
  });

  it('pulls in a whole group with its descendants, to a fixed point', () => {
    // a → b; c (group g, with a) → d (group h, with e); e → f. Rolling back b's … starting at a.
    const nodes = [
      node('a', 'x', []),
      node('b', 'x', ['a']),
      node('c', 'y', []),
      node('d', 'y', ['c']),
      node('e', 'z', []),
      node('f', 'z', ['e']),
      node('k', 'z', []),
    ];
    const dag = EctDag.from(nodes);
    const groups: Record<string, string> = { a: 'g', c: 'g', d: 'h', e: 'h' };
    const lookup = (jti: string) => {
      const n = nodes.find((m) => m.jti === jti)!;
      return checkpoint(n, groups[jti] ? { group: groups[jti] } : {});
    };
    const plan = planRollback(dag, request('a'), lookup);
    expect(new Set(plan.scope)).toEqual(new Set(['a', 'b', 'c', 'd', 'e', 'f']));
    // A known-good task pulled in by a group cannot be kept.
    expect(codeOf(() => planRollback(dag, request('a', { known_good: ['f'] }), lookup))).toBe('ERR_CP_PLAN_INVALID');
    expect(codeOf(() => planRollback(dag, request('a', { known_good: ['b'] }), lookup))).toBe('ERR_CP_PLAN_INVALID');
    expect(planRollback(dag, request('a', { known_good: ['k'] }), lookup).scope).toHaveLength(6);
  });

  it('applies the workflow scope: everything but known-good tasks and their ancestors', () => {
    const dag = EctDag.from(supply);
    const lookup = (jti: string) => checkpoint(byId.get(jti)!);
    const plan = planRollback(dag, request('pay', { scope: 'workflow', known_good: ['ship'] }), lookup);
    expect(plan.scope).toEqual(['done', 'note', 'bet', 'pay']);
    expect(codeOf(() => planRollback(dag, request('inv', { scope: 'workflow', known_good: ['ship'] }), lookup))).toBe(
      'ERR_CP_PLAN_INVALID',
    );
    expect(codeOf(() => planRollback(dag, request('ship', { scope: 'workflow', known_good: ['ship'] }), lookup))).toBe(
      'ERR_CP_PLAN_INVALID',
    );
  });

  it('names every task without a checkpoint', () => {
    const dag = EctDag.from(supply);
    let error: unknown;
    try {
      planRollback(dag, request('inv'), (jti) =>
        jti === 'ship' || jti === 'done' ? checkpoint(byId.get(jti)!) : undefined,
      );
    } catch (e) {
      error = e;
    }
    expect(isSafetyNetError(error, 'ERR_CP_CHECKPOINT_MISSING')).toBe(true);
    expect((error as Error).message).toContain('3 task(s) without a checkpoint: inv, note, pay');
  });

  it('lets the caller say which tasks are records', () => {
    const dag = EctDag.from(supply);
    const plan = planRollback(dag, request('inv'), (jti) => checkpoint(byId.get(jti)!), {
      isRecord: (n) => n.iss === 'notify',
    });
    expect(plan.records).toEqual(['note']);
    expect(plan.steps.map((s) => s.task)).toContain('bet');
  });

  it('refuses bad checkpoints, requests and options with typed errors', () => {
    const dag = EctDag.from([...supply, node('other', 'x', [], T0, 'x.run', 'w2')]);
    const ok = (jti: string) => checkpoint(byId.get(jti)!);
    const badCheckpoints: ((jti: string) => unknown)[] = [
      () => 5,
      (j) => ({ ...ok(j), task: 'someone-else' }),
      (j) => ({ ...ok(j), iss: 'mallory' }),
      (j) => ({ ...ok(j), before: 'short' }),
      (j) => ({ ...ok(j), after: `${'A'.repeat(42)}=` }),
      (j) => ({ ...ok(j), undo: 'later' }),
      (j) => ({ ...ok(j), undo: { action: 'x', params: 'nope' } }),
      (j) => ({ ...ok(j), undo: { action: '', params: PARAMS } }),
      (j) => ({ ...ok(j), undo: { action: 'x', params: PARAMS, endpoint: 'e'.repeat(2049) } }),
      (j) => ({ ...ok(j), resource: '' }),
      (j) => ({ ...ok(j), group: 7 }),
      () => {
        throw new Error('store down');
      },
    ];
    for (const lookup of badCheckpoints) {
      expect(codeOf(() => planRollback(dag, request('inv'), lookup as never))).toBe('ERR_CP_PLAN_INVALID');
    }
    const typed = () => {
      throw cpError('ERR_CP_STORE_FAILED', 'disk');
    };
    expect(codeOf(() => planRollback(dag, request('inv'), typed))).toBe('ERR_CP_STORE_FAILED');
    expect(codeOf(() => planRollback(dag, request('nope'), ok))).toBe('ERR_ECT_NODE_NOT_FOUND');
    expect(codeOf(() => planRollback(dag, request('inv', { known_good: ['nope'] }), ok))).toBe(
      'ERR_ECT_NODE_NOT_FOUND',
    );
    expect(codeOf(() => planRollback(dag, request('inv', { known_good: ['other'] }), ok))).toBe('ERR_CP_PLAN_INVALID');
    const badRequests: unknown[] = [
      null,
      'rb',
      { ...request('inv'), scope: 'all' },
      { ...request('inv'), rollback: '' },
      { ...request('inv'), rollback: 'r'.repeat(257) },
      { ...request('inv'), known_good: 'ship' },
      { ...request('inv'), known_good: [3] },
      { ...request('inv'), root_cause: 42 },
    ];
    for (const r of badRequests) expect(codeOf(() => planRollback(dag, r as never, ok))).toBe('ERR_CP_PLAN_INVALID');
    expect(codeOf(() => planRollback(dag, request('inv'), ok, { maxScope: 5 }))).toBe('ERR_CP_PLAN_INVALID');
    expect(planRollback(dag, request('inv'), ok, { maxScope: 6 }).scope).toHaveLength(6);
    expect(codeOf(() => planRollback(dag, request('inv', { scope: 'workflow' }), ok, { maxWorkflow: 5 }))).toBe(
      'ERR_CP_PLAN_INVALID',
    );
    for (const o of [null, { maxScope: 0 }, { maxScope: 1.5 }, { maxWorkflow: Number.NaN }, { isRecord: 1 }]) {
      expect(codeOf(() => planRollback(dag, request('inv'), ok, o as never))).toBe('ERR_CP_CONFIG_INVALID');
    }
    expect(codeOf(() => planRollback(dag, request('inv'), 'nope' as never))).toBe('ERR_CP_CONFIG_INVALID');
  });

  it('never throws untyped errors on arbitrary requests (property)', () => {
    const dag = EctDag.from(supply);
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (req, cp) => {
        const c = codeOf(() => planRollback(dag, req as never, () => cp as never));
        expect(c.startsWith('foreign')).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

/** The scope rules of §6.1, computed plainly from the node list. */
function naiveScope(
  nodes: readonly DagNodeInput[],
  req: RollbackRequestInput,
  groupOf: (jti: string) => string | undefined,
): Set<string> | 'invalid' {
  const children = childrenOf(nodes);
  let scope: Set<string>;
  if (req.scope === 'descendants') {
    scope = new Set([req.root_cause, ...reach(children, req.root_cause)]);
  } else {
    const parents = parentsOf(nodes);
    const kept = new Set(req.known_good.flatMap((k) => [k, ...reach(parents, k)]));
    if (kept.has(req.root_cause)) return 'invalid';
    scope = new Set(nodes.map((n) => n.jti).filter((j) => !kept.has(j)));
  }
  for (let grew = true; grew; ) {
    grew = false;
    const groups = new Set([...scope].map(groupOf).filter((g) => g !== undefined));
    for (const n of nodes) {
      const g = groupOf(n.jti);
      if (g === undefined || !groups.has(g) || scope.has(n.jti)) continue;
      for (const j of [n.jti, ...reach(children, n.jti)]) scope.add(j);
      grew = true;
    }
  }
  return req.known_good.some((k) => scope.has(k)) ? 'invalid' : scope;
}

/** Reverse topological order by repeated selection: O(n²), plainly the rule of §6.1 step 6. */
function naiveOrder(nodes: readonly DagNodeInput[], scope: ReadonlySet<string>): string[] {
  const left = nodes.filter((n) => scope.has(n.jti));
  const out: string[] = [];
  while (left.length > 0) {
    const ready = left.filter((n) => !left.some((m) => m.pred.includes(n.jti)));
    ready.sort((a, b) => b.iat - a.iat || (a.jti < b.jti ? -1 : 1));
    out.push(ready[0]!.jti);
    left.splice(left.indexOf(ready[0]!), 1);
  }
  return out;
}

describe('planRollback on random workflows (property)', () => {
  it('follows the scope, group, record and order rules of §6.1', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 6 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.constantFrom('plain', 'plain', 'plain', 'record', 'unchanged', 'not_reversible', 'g1', 'g2'), {
          minLength: 40,
          maxLength: 40,
        }),
        fc.nat(),
        fc.array(fc.nat(), { maxLength: 2 }),
        fc.constantFrom<'descendants' | 'workflow'>('descendants', 'workflow'),
        (seed, layers, width, kinds, pick, good, scopeKind) => {
          const raw = layeredWorkflow({ seed, layers, width, agents: AGENTS, maxFanIn: 3 });
          // Vary iat within a layer a little, so that ties between ready tasks are broken both ways.
          const nodes = raw.map((n, i) => ({
            ...n,
            iat: n.iat + (i % 3),
            exec_act: kinds[i % kinds.length] === 'record' ? checkpointType.dag!.execAct : n.exec_act,
          }));
          const dag = EctDag.from(nodes, { clockSkewSeconds: 30 });
          const kind = new Map(nodes.map((n, i) => [n.jti, kinds[i % kinds.length]!]));
          const groupOf = (jti: string) => {
            const k = kind.get(jti);
            return k === 'g1' || k === 'g2' ? k : undefined;
          };
          const lookup = (jti: string): CheckpointInput => {
            const n = nodes.find((m) => m.jti === jti)!;
            const k = kind.get(jti);
            const group = groupOf(jti);
            return checkpoint(n, {
              ...(k === 'unchanged' ? { after: BEFORE } : {}),
              ...(k === 'not_reversible' ? { undo: 'not_reversible' as const } : {}),
              ...(group === undefined ? {} : { group }),
            });
          };
          const req = request(nodes[pick % nodes.length]!.jti, {
            scope: scopeKind,
            known_good: [...new Set(good.map((g) => nodes[g % nodes.length]!.jti))],
          });
          const expected = naiveScope(nodes, req, groupOf);
          if (expected === 'invalid') {
            expect(codeOf(() => planRollback(dag, req, lookup))).toBe('ERR_CP_PLAN_INVALID');
            return;
          }
          const plan = planRollback(dag, req, lookup);
          expect(plan.scope).toEqual(naiveOrder(nodes, expected));
          // Independently of the order rule: for every edge a → b inside the scope, b comes before a.
          const at = new Map(plan.scope.map((j, i) => [j, i]));
          for (const n of nodes) {
            for (const p of n.pred) if (at.has(n.jti) && at.has(p)) expect(at.get(n.jti)!).toBeLessThan(at.get(p)!);
          }
          const stepped = plan.scope.filter((j) => kind.get(j) !== 'record' && kind.get(j) !== 'unchanged');
          expect(plan.steps.map((s) => s.task)).toEqual(stepped);
          expect(plan.records).toEqual(plan.scope.filter((j) => kind.get(j) === 'record'));
          expect(plan.unchanged).toEqual(plan.scope.filter((j) => kind.get(j) === 'unchanged'));
          plan.steps.forEach((s, i) => {
            expect(s.step).toBe(i);
            expect(s.key).toBe(`rb-1/${s.task}`);
            expect(s.agent).toBe(nodes.find((n) => n.jti === s.task)!.iss);
            expect(s.group).toBe(groupOf(s.task));
            expect(s.undo === 'not_reversible').toBe(kind.get(s.task) === 'not_reversible');
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});
