import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { behavioralProfile, issueBet, profileDigest } from '@safety-net/behavioral-verification';
import { rollbackComplete, rollbackRequest } from '@safety-net/cascade-prevention';
import { decodeCbor, decodeSign1, fixedClock, publicKeyOf, seededRandom, toBase64Url } from '@safety-net/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PG_MISSING, PgTestSchemas, pgTestUrl } from '../../../../test-support/postgres.js';
import { controlPlaneHandler } from '../../src/controller/handler.js';
import { MemoryControllerStore } from '../../src/controller/memory-store.js';
import type { ControllerStore } from '../../src/controller/store.js';
import { acknowledgement, complianceEvidence, escalationRecord, handoff, overrideSignal } from '../../src/index.js';
import { migrateController, PostgresControllerStore } from '../../src/postgres.js';
import { SqliteControllerStore } from '../../src/sqlite.js';
import { SAMPLE_KEYS, sampleAckClaims, sampleKey } from '../../src/testing.js';
import { agentId, agentKey, ManualTime, makeController, NOW, serve } from './world.js';

const dir = mkdtempSync(join(tmpdir(), 'ov-artefacts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const url = pgTestUrl();
const schemas = url ? new PgTestSchemas(url) : undefined;
afterAll(() => schemas?.close());
let files = 0;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const stores: { name: string; skip?: boolean; make: () => Promise<ControllerStore> }[] = [
  { name: 'memory', make: async () => new MemoryControllerStore() },
  { name: 'SQLite', make: async () => new SqliteControllerStore(join(dir, `a${files++}.db`)) },
  {
    name: url ? 'PostgreSQL' : `PostgreSQL (${PG_MISSING})`,
    skip: !url,
    make: async () => {
      const pool = schemas!.pool(await schemas!.create(), 4);
      await migrateController(pool);
      return new PostgresControllerStore(pool);
    },
  },
];

const claimsOf = <T extends object>(type: { parse(c: unknown): T; fromCbor(v: never): unknown }, bytes: Uint8Array) =>
  type.parse(type.fromCbor(decodeCbor(decodeSign1(bytes).payload!) as never));

const AGENT = agentId(0);
const HUMAN = 'mailto:kim@example.org';
const operatorKey = sampleKey('ward-3-operator', 'P-256');
const verifierKey = sampleKey('bv-verifier', 'P-256');
const strangerKey = sampleKey('bv-stranger', 'P-256');
const coordinatorKey = sampleKey('cp-coordinator', 'P-256');

/** A signed Behavioral Profile for the agent (what a `constrain` signal carries) and its digest. */
function profile(pid = 'ward-3-safe') {
  const claims = behavioralProfile.parse({
    iss: 'spiffe://example.org/ward-3-operator',
    sub: AGENT,
    iat: NOW - 3600,
    exp: NOW + 86_400,
    pid,
    ver: 1,
    rules: { actions: { unlisted: 'deny', rules: [{ id: 'pharmacy', effect: 'allow', pattern: 'pharmacy.*' }] } },
  });
  return { text: toBase64Url(behavioralProfile.sign(claims, operatorKey)), digest: profileDigest(claims) };
}

/** A BET about the agent issued `at` seconds after NOW, under `digest`, with or without a hard violation. */
function betAbout(digest: string, at: number, verdict: 'compliant' | 'violation' | 'drift', key = verifierKey) {
  const violations =
    verdict === 'violation'
      ? [
          {
            rule: 'pharmacy',
            class: 'unlisted_action' as const,
            jti: 't-9',
            observed: 'shell.exec',
            allowed: 'pharmacy.*',
          },
        ]
      : verdict === 'drift'
        ? [{ rule: 'pharmacy', class: 'drift' as const, jti: 't-9', observed: 1, allowed: 0 }]
        : [];
  return issueBet({
    verifierKey: key,
    verifier: 'spiffe://example.org/bv-verifier',
    agent: AGENT,
    profile: digest,
    observations: [],
    violations,
    verdict,
    window: { from: NOW, to: NOW + at },
    wid: 'wf-dispense-17',
    clock: fixedClock((NOW + at) * 1000),
    random: seededRandom(`bet-${verdict}-${at}`),
  }).bytes;
}

async function world(store: ControllerStore) {
  const time = new ManualTime(NOW * 1000);
  const notified: string[] = [];
  const controller = makeController(time, {
    store,
    signer: SAMPLE_KEYS.supervisor,
    verifiers: { bets: publicKeyOf(verifierKey), rollbacks: publicKeyOf(coordinatorKey) },
    escalation: { notify: (n) => void notified.push(n.agent) },
  });
  // A pulling agent: the signal waits in its outbox; what it sends comes to the control plane over HTTP.
  controller.registerAgent({
    id: AGENT,
    key: publicKeyOf(agentKey(0)),
    domains: ['ward-3'],
    tasks: ['task-dispense-4'],
  });
  const http = await serve(controlPlaneHandler(controller));
  closers.push(async () => {
    await controller.close();
    await http.close();
    await store.close();
  });
  const post = async (path: string, bytes: Uint8Array) => {
    const response = await fetch(`${http.origin}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/cose' },
      body: bytes,
    });
    return {
      status: response.status,
      code: response.status === 204 ? undefined : ((await response.json()) as { code: string }).code,
    };
  };
  const issue = (action: { name: string; params: Record<string, unknown> }, scope = { kind: 'agent', target: AGENT }) =>
    controller.issue({
      iss: 'mailto:sam@example.org',
      role: 'supervisor',
      level: 'mandatory',
      action: action as never,
      scope: { ...scope, propagate: false } as never,
      reason: 'constrained to pharmacy actions',
      wid: 'wf-dispense-17',
      pred: [],
      iat: NOW,
      policy: { pid: 'ward-3', ver: 4 },
    });
  /** The agent's final `complied` acknowledgement, constrained or halted at NOW + 1, over HTTP. */
  const complied = async (signal: { jti: string; bytes: Uint8Array }, pred: string[] = []) => {
    const s = claimsOf(overrideSignal, signal.bytes);
    const ack = acknowledgement.sign(
      {
        iss: AGENT,
        iat: NOW + 1,
        jti: `ack-${signal.jti}`,
        wid: s.wid,
        pred: [s.jti, ...pred],
        signal: s.jti,
        act_digest: s.act_digest,
        status: 'complied',
        state: { mode: 'constrained', order: [s.epoch, s.seq], holds: [s.jti] },
        halted_at: NOW + 1,
      },
      agentKey(0),
    );
    expect((await post('acks', ack)).status).toBe(204);
    return s;
  };
  /** Past the Mandatory deadline (iat + 60 s) plus the 30 s skew: the evidence of the agent. */
  const settle = async (jti: string) => {
    await time.advance(NOW * 1000 + 91_000 - time.clock.now());
    const [outcome] = await controller.settled(jti);
    const evidence = claimsOf(complianceEvidence, outcome!.evidence);
    return { outcome: outcome!, evidence, check: evidence.checks.at(-1)! };
  };
  return { controller, post, issue, complied, settle, notified, store, time, origin: http.origin };
}

describe.each(stores)('compliance checks on BETs, Hand-offs and rollbacks (spec §7.7): $name', ({ make, skip }) => {
  if (skip) {
    it.skip(PG_MISSING, () => {});
    return;
  }

  it('bet_under_profile: a compliant BET under the constrained profile passes and is named in pred', async () => {
    const w = await world(await make());
    const p = profile();
    const issued = await w.issue({ name: 'constrain', params: { profile: p.text } });
    await w.complied(issued);
    const before = betAbout(p.digest, 0, 'violation'); // issued before the constraint took effect: not evidence
    const other = betAbout(profile('ward-3-other').digest, 5, 'violation'); // judged against another profile
    const good = betAbout(p.digest, 10, 'compliant');
    for (const b of [before, other, good]) expect(await w.post('records', b)).toEqual({ status: 204 });
    expect(await w.post('records', good)).toEqual({ status: 204 }); // the same BET again: a no-op
    const { outcome, evidence, check } = await w.settle(issued.jti);
    const goodJti = decodeJti(good);
    expect(check).toEqual({ kind: 'bet_under_profile', result: 'pass', ref: goodJti });
    expect(evidence.verdict).toBe('compliant');
    expect(evidence.pred).toEqual([issued.jti, `ack-${issued.jti}`, goodJti]);
    expect(outcome.escalations).toEqual([]);
  });

  it('bet_under_profile: a violation fails, makes the evidence non_compliant and escalates (spec §11)', async () => {
    const w = await world(await make());
    const p = profile();
    const issued = await w.issue({ name: 'constrain', params: { profile: p.text } });
    await w.complied(issued);
    await w.post('records', betAbout(p.digest, 10, 'compliant'));
    const bad = betAbout(p.digest, 20, 'violation');
    await w.post('records', bad);
    const { outcome, evidence, check } = await w.settle(issued.jti);
    expect(check).toEqual({
      kind: 'bet_under_profile',
      result: 'fail',
      ref: decodeJti(bad),
      code: 'ERR_BV_VERDICT_REFUSED',
    });
    expect(evidence.verdict).toBe('non_compliant');
    expect(outcome.escalations.map((e) => claimsOf(escalationRecord, e).step)).toEqual(['notify', 'breaker_open']);
    expect(w.notified).toEqual([AGENT]);
  });

  it('bet_under_profile: drift, a BET after the deadline or none leaves it unknown; untrusted BETs are refused', async () => {
    const w = await world(await make());
    const p = profile();
    const issued = await w.issue({ name: 'constrain', params: { profile: p.text } });
    await w.complied(issued);
    expect(await w.post('records', betAbout(p.digest, 10, 'compliant', strangerKey))).toEqual({
      status: 400,
      code: 'ERR_COSE_BAD_SIGNATURE',
    });
    expect(await w.post('records', betAbout(p.digest, 10, 'drift'))).toEqual({ status: 204 });
    await w.time.advance(89_000);
    // Issued past the deadline plus skew (NOW + 90): too late to count.
    expect(await w.post('records', betAbout(p.digest, 91, 'compliant'))).toEqual({ status: 204 });
    const { evidence, check } = await w.settle(issued.jti);
    expect(check).toMatchObject({ kind: 'bet_under_profile', result: 'unknown' });
    expect(evidence.verdict).toBe('unknown');
  });

  it('handoff: a verified Hand-off passes; one to another human is refused with ERR_OV_HANDOFF_INVALID', async () => {
    const w = await world(await make());
    const issued = await w.issue(
      { name: 'takeover', params: { to: HUMAN, task: 'task-dispense-4' } },
      { kind: 'task', target: 'task-dispense-4' },
    );
    const s = await w.complied(issued, ['handoff-1']);
    const handOff = (jti: string, to: string, iat = NOW + 1) =>
      handoff.sign(
        {
          iss: AGENT,
          iat,
          jti,
          wid: s.wid,
          pred: [s.jti],
          signal: s.jti,
          act_digest: s.act_digest,
          task: 'task-dispense-4',
          to,
          state: toBase64Url(new Uint8Array(32)),
        },
        agentKey(0),
      );
    expect(await w.post('records', handOff('handoff-2', 'mailto:eve@example.org'))).toEqual({
      status: 400,
      code: 'ERR_OV_HANDOFF_INVALID',
    });
    // Signed by someone else than the agent it names: its registered key does not verify it.
    const forged = handoff.sign(claimsOf(handoff, handOff('handoff-3', HUMAN)), agentKey(1));
    expect((await w.post('records', forged)).code).toBe('ERR_COSE_BAD_SIGNATURE');
    expect(await w.post('records', handOff('handoff-1', HUMAN))).toEqual({ status: 204 });
    const { evidence, check } = await w.settle(issued.jti);
    expect(check).toEqual({ kind: 'handoff', result: 'pass', ref: 'handoff-1' });
    expect(evidence.verdict).toBe('unknown'); // no view of the agent's work: no_ect_after_halt stays unknown
    expect(evidence.checks.map((c) => c.kind)).toEqual(['ack_in_time', 'no_ect_after_halt', 'handoff']);
  });

  it('handoff: none by the deadline is unknown', async () => {
    const w = await world(await make());
    const issued = await w.issue(
      { name: 'takeover', params: { to: HUMAN, task: 'task-dispense-4' } },
      { kind: 'task', target: 'task-dispense-4' },
    );
    await w.complied(issued);
    const { check } = await w.settle(issued.jti);
    expect(check).toMatchObject({ kind: 'handoff', result: 'unknown' });
  });

  it.each([
    ['completed', 'pass', undefined, { compensated: ['t-2', 't-3'], not_reversible: [], failed: [] }],
    ['partial', 'unknown', undefined, { compensated: ['t-2'], not_reversible: ['t-3'], failed: [] }],
    ['failed', 'fail', 'ERR_CP_COMPENSATION_FAILED', { compensated: ['t-2'], not_reversible: [], failed: ['t-3'] }],
  ] as const)('rollback_complete: a %s rollback → %s', async (status, result, code, lists) => {
    const w = await world(await make());
    const params = { root_cause: 't-1', scope: 'descendants', known_good: ['t-0'] };
    const issued = await w.issue({ name: 'rollback', params });
    await w.complied(issued);
    const request = (pred: string[], rootCause = 't-1') =>
      rollbackRequest.sign(
        {
          iss: 'spiffe://example.org/cp-coordinator',
          iat: NOW + 1,
          jti: `rq-${pred.length}-${rootCause}`,
          wid: 'wf-dispense-17',
          pred,
          rollback: 'rb-17',
          root_cause: rootCause,
          scope: 'descendants',
          known_good: ['t-0'],
          reason: 'forced by the control plane',
          deadline: NOW + 60,
        },
        coordinatorKey,
      );
    const complete = rollbackComplete.sign(
      {
        iss: 'spiffe://example.org/cp-coordinator',
        iat: NOW + 30,
        jti: `rc-${status}`,
        wid: 'wf-dispense-17',
        pred: ['plan-17'],
        rollback: 'rb-17',
        status,
        compensated: [...lists.compensated],
        not_reversible: [...lists.not_reversible],
        failed: [...lists.failed],
      },
      coordinatorKey,
    );
    // The Complete of a rollback no request of a rollback signal announced is unknown.
    expect(await w.post('records', complete)).toEqual({ status: 400, code: 'ERR_CP_ROLLBACK_UNKNOWN' });
    expect((await w.post('records', request([]))).code).toBe('ERR_INPUT_INVALID');
    expect((await w.post('records', request([issued.jti], 't-7'))).code).toBe('ERR_INPUT_INVALID');
    expect(await w.post('records', request([issued.jti]))).toEqual({ status: 204 });
    expect(await w.post('records', complete)).toEqual({ status: 204 });
    const { evidence, check } = await w.settle(issued.jti);
    expect(check).toEqual({
      kind: 'rollback_complete',
      result,
      ref: `rc-${status}`,
      ...(code ? { code } : {}),
      ...(status === 'partial' ? { detail: 'not reversible: t-3' } : {}),
    });
    expect(evidence.verdict).toBe(result === 'fail' ? 'non_compliant' : 'unknown');
    expect(evidence.pred).toContain(`rc-${status}`);
  });

  it('refuses what is no such record, and an acknowledgement sent as one', async () => {
    const w = await world(await make());
    expect(await w.post('records', new Uint8Array([1, 2, 3]))).toEqual({ status: 400, code: 'ERR_INPUT_INVALID' });
    const ack = acknowledgement.sign({ ...sampleAckClaims, iss: AGENT }, agentKey(0));
    expect((await w.post('records', ack)).code).toBe('ERR_INPUT_INVALID');
    expect((await fetch(`${w.origin}/records`, { method: 'POST', body: 'x' })).status).toBe(415);
  });
});

function decodeJti(bytes: Uint8Array): string {
  return new TextDecoder().decode((decodeCbor(decodeSign1(bytes).payload!) as Map<number, Uint8Array>).get(7));
}
