import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCbor, decodeSign1, fixedClock, generateKey, publicKeyOf, seededRandom } from '@safety-net/core';
import {
  AuditedWork,
  type EatClaims,
  issueEat,
  logForm,
  noteCheckpointSigner,
  noteSigner,
  TransparencyLog,
} from '@safety-net/cross-domain-audit';
import { SqliteLogStore } from '@safety-net/cross-domain-audit/sqlite';
import { EAT_SAMPLE_KEYS, sampleEatClaims } from '@safety-net/cross-domain-audit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { complianceEvidence } from '../../src/index.js';
import { agentKey, emergencyStop, ManualTime, makeController, NOW, servedAgent, until } from './world.js';

// Spec §7.7: `no_ect_after_halt` judged from the audit ledger — a real transparency log on SQLite whose EATs an
// `AuditedWork` view hands the controller as its `work` (cross-domain-audit.md §5.10).

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const ORIGIN = 'audit.ward-3.example/audit/main';
const viewClock = fixedClock((NOW + 60) * 1000);

async function ledger() {
  const dir = mkdtempSync(join(tmpdir(), 'ov-ledger-'));
  const store = new SqliteLogStore(join(dir, 'log.db'));
  closers.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => store.close(),
  );
  const signer = noteCheckpointSigner(noteSigner(ORIGIN, generateKey('Ed25519', seededRandom('ov-ledger'))), ORIGIN);
  const log = new TransparencyLog({ origin: ORIGIN, store, signer });
  /** Logs the EAT of the agent's ECT `jti` (action `action`), recorded by the ward's audit domain at `iat`. */
  const audit = (agent: string, jti: string, iat: number, action = 'pharmacy.dispense') => {
    const claims: EatClaims = {
      ...sampleEatClaims,
      jti: `au-eat-${jti}`,
      iat,
      time: { start: iat - 1, end: iat },
      wid: 'wf-dispense-17',
      pred: [jti],
      ect: { ...sampleEatClaims.ect, jti, wid: 'wf-dispense-17', iss: agent },
      action,
      stitch: undefined,
    };
    const { token } = issueEat(claims, EAT_SAMPLE_KEYS.domain, { random: seededRandom(jti) });
    return log.add({ kind: 'eat', body: logForm(token) });
  };
  return { store, audit };
}

const haltCheck = (evidence: Uint8Array) =>
  complianceEvidence
    .parse(complianceEvidence.fromCbor(decodeCbor(decodeSign1(evidence).payload!)))
    .checks.find((c) => c.kind === 'no_ect_after_halt');

describe('no_ect_after_halt from the audit ledger (spec §7.7)', () => {
  it('fails for the agent whose later EAT was logged after its halt, naming the ECT, and passes the other', async () => {
    const agents = await Promise.all([0, 1].map((i) => servedAgent(i)));
    closers.push(...agents.map((a) => a.close));
    const [late, punctual] = agents.map((a) => a.id) as [string, string];
    const { store, audit } = await ledger();
    // Work both agents did before the signal.
    await audit(late, 'ect-before-1', NOW - 120);
    await audit(punctual, 'ect-before-2', NOW - 60);
    // The view verifies EATs on the control plane's side, a minute after the signal.
    const work = new AuditedWork({ store, key: publicKeyOf(EAT_SAMPLE_KEYS.domain), clock: viewClock });
    const time = new ManualTime(NOW * 1000);
    const controller = makeController(time, { work: () => work.read() });
    closers.push(() => controller.close());
    for (const [i, a] of agents.entries())
      controller.registerAgent({ id: a.id, key: publicKeyOf(agentKey(i)), endpoint: a.endpoint, domains: ['ward-3'] });
    expect([...(await work.read())].map((n) => n.jti)).toEqual(['ect-before-1', 'ect-before-2']);

    const issued = await controller.issue(emergencyStop({ level: 'mandatory', category: 1, deadline: NOW + 5 }));
    const acks = await controller.acknowledged(issued.jti);
    expect(acks.map((a) => a.state)).toEqual(['final', 'final']);
    // After the acknowledgements (the guards halted at NOW): the audit domain logs one agent's dispense 40 s later,
    // the other's last step within the skew, and an acknowledgement's record, which is no work.
    await audit(late, 'ect-after-halt', NOW + 40);
    await audit(punctual, 'ect-last-step', NOW + 20);
    await audit(punctual, 'ect-ack-record', NOW + 45, 'ov.ack');
    await until(() => work.read().then(() => work.position === 5), 'the log to hold five entries');

    await time.advance(35_000);
    const outcomes = new Map((await controller.settled(issued.jti)).map((o) => [o.agent, o]));
    expect(haltCheck(outcomes.get(late)!.evidence)).toEqual({
      kind: 'no_ect_after_halt',
      result: 'fail',
      ref: 'ect-after-halt',
      code: 'ERR_OV_STOPPED',
    });
    expect(outcomes.get(late)!.verdict).toBe('non_compliant');
    expect(haltCheck(outcomes.get(punctual)!.evidence)).toEqual({ kind: 'no_ect_after_halt', result: 'pass' });
    expect(outcomes.get(punctual)!.verdict).toBe('compliant');
  }, 60_000);

  it('leaves the check unknown, and reports why, when the ledger cannot be read', async () => {
    const agent = await servedAgent(0);
    closers.push(agent.close);
    const { store, audit } = await ledger();
    await audit(agent.id, 'ect-after-halt', NOW + 40);
    const errors: unknown[] = [];
    // A key the log's EATs were not signed with: the view refuses to vouch for them.
    const work = new AuditedWork({
      store,
      key: publicKeyOf(generateKey('Ed25519', seededRandom('not the audit key'))),
    });
    const time = new ManualTime(NOW * 1000);
    const controller = makeController(time, { work: () => work.read(), onError: (e) => errors.push(e) });
    closers.push(() => controller.close());
    controller.registerAgent({
      id: agent.id,
      key: publicKeyOf(agentKey(0)),
      endpoint: agent.endpoint,
      domains: ['ward-3'],
    });
    const issued = await controller.issue(emergencyStop({ level: 'mandatory', category: 1, deadline: NOW + 5 }));
    await controller.acknowledged(issued.jti);
    await time.advance(35_000);
    const [outcome] = await controller.settled(issued.jti);
    expect(haltCheck(outcome!.evidence)).toMatchObject({ result: 'unknown' });
    expect(errors).toContainEqual(expect.objectContaining({ code: 'ERR_COSE_BAD_SIGNATURE' }));
  }, 60_000);
});
