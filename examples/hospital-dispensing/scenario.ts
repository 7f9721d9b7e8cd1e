import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkpoint, httpTransport, RollbackCoordinator, type RollbackOutcome } from '@safety-net/cascade-prevention';
import { SqliteRollbackStore } from '@safety-net/cascade-prevention/sqlite';
import { EctDag, ectFetch, epochSeconds, keySet, publicKeyOf, seededRandom, systemClock } from '@safety-net/core';
import {
  checkHandoff,
  complianceEvidence,
  escalationRecord,
  handoff,
  type OverrideSignalClaims,
  overrideSignal,
  type SignalRequest,
} from '@safety-net/override-protocol';
import type { Received } from './agent.js';
import { openWard, type Ward } from './ward.js';
import { agentId, COORDINATOR, CTL, keyOf, MAX_UNITS, PEOPLE, ROLES, type Role, WARD } from './world.js';

/** One line of a run's timeline: milliseconds since the run started, and what happened. */
export interface TimelineEntry {
  readonly ms: number;
  readonly event: string;
}

const short = (id: string) => id.slice(id.lastIndexOf('/') + 1).replace(/^mailto:/, '');
const POLICY = { pid: WARD, ver: 1 };

/** A timeline stamped in milliseconds since its start, which `start` sets once the agents are up. */
function timeline() {
  let origin = performance.now();
  const entries: TimelineEntry[] = [];
  return {
    entries,
    log: (event: string) => entries.push({ ms: Math.round(performance.now() - origin), event }),
    /** Starts the clock; resolves to the milliseconds since the timeline was made (the agents' start-up). */
    start: () => {
      const startup = performance.now() - origin;
      origin = performance.now();
      return Math.round(startup);
    },
  };
}

/** Issues a signal signed by one person, and resolves once every agent of its scope answered finally. */
async function signal(ward: Ward, request: SignalRequest, by: keyof typeof PEOPLE) {
  const issued = await ward.controller.issue(request, { key: keyOf(by) });
  await ward.controller.acknowledged(issued.jti);
  const acks = await ward.store.acks(issued.jti);
  const claims = overrideSignal.verify(issued.bytes, { key: publicKeyOf(keyOf(by)) });
  if (!claims.ok) throw claims.error;
  // The final answer of each agent (a takeover is `received` first, `complied` once its Hand-off is signed).
  const final = new Map(acks.filter((a) => a.status !== 'received').map((a) => [short(a.agent), a.status]));
  return { jti: issued.jti, claims: claims.claims, statuses: Object.fromEntries(final) };
}

/** What run 1 came to. */
export interface Run1Report {
  readonly timeline: TimelineEntry[];
  /** From issuing the Mandatory pause to every agent's `complied`, measured. */
  readonly signalToHaltMs: number;
  readonly flags: string[];
  readonly pauseAcks: Record<string, string>;
  readonly pausedRefusal: string;
  readonly takeoverAcks: Record<string, string>;
  readonly handoff: { readonly to: string; readonly task: string; readonly jti: string; readonly matches: boolean };
  readonly rollback: RollbackOutcome;
  readonly cabinetAfterRollback: Record<string, string>;
  readonly resumeAcks: Record<string, string>;
  readonly takenOverRefusal: string;
  /** The pharmacist's ECT as the dispensing agent accepted it. */
  readonly pharmacistEct: Received;
  readonly finalCabinet: Record<string, string>;
}

/**
 * Run 1: the prescribing agent hallucinates a tenfold heparin dose; its behavioural monitor flags it; the
 * supervisory system pauses the ward (Mandatory) before the second dose; the pharmacist takes over the pharmacy's
 * fill (signed Hand-off); the dose already dispensed is recalled through the rollback coordinator; the ward
 * resumes and the pharmacist's corrected dose is dispensed, the ECT chain continuing under her identity.
 */
export async function runHallucinatedDose(): Promise<Run1Report> {
  const { entries, log, start } = timeline();
  const ward = await openWard({ run: 'run-1', notify: () => undefined });
  const startupMs = start();
  const dir = mkdtempSync(join(tmpdir(), 'hospital-rollback-'));
  try {
    const { agents } = ward;
    log(`three agents up in ${startupMs} ms, each its own process: guard on SQLite, behavioural monitor`);
    await agents.prescribing.work({ op: 'prescribe', rx: 'rx-1', patient: 'P-117', units: 5000, doses: 1 });
    log('rx-1: 5000 units heparin for P-117 prescribed, filled and dispensed');

    const rx2 = (await agents.prescribing.work({
      op: 'prescribe',
      rx: 'rx-2',
      patient: 'P-104',
      units: 50_000,
      doses: 2,
    })) as { flags: string[] };
    log(`rx-2: 50000 units heparin for P-104 (maximum ${MAX_UNITS['P-104']}); monitor flags ${rx2.flags.join(', ')}`);
    log('rx-2: the pharmacy released dose 1 of 2 and the robot dispensed it before the flag reached the supervisor');

    const haltStart = performance.now();
    const pause = await signal(
      ward,
      {
        jti: 'ov-sig-pause-rx-2',
        iss: PEOPLE.supervisor,
        role: 'supervisor',
        level: 'mandatory',
        action: { name: 'pause', params: {} },
        scope: { kind: 'domain', target: WARD, propagate: false },
        reason: 'rx-2: dose above the patient maximum (behavioural monitor)',
        wid: 'wf-rx-2',
        pred: ['rx-2'],
        policy: POLICY,
      },
      'supervisor',
    );
    const signalToHaltMs = Math.round(performance.now() - haltStart);
    log(`Mandatory pause of ${WARD}: ${describeAcks(pause.statuses)} (signal to halt ${signalToHaltMs} ms)`);
    const paused = await agents.pharmacy.work({ op: 'next-dose', task: 'fill-rx-2' });
    log(`pharmacy's dose 2 of rx-2: refused ${paused.code}`);

    ward.runs('pharmacy', ['fill-rx-2']);
    const takeover = await signal(
      ward,
      {
        jti: 'ov-sig-takeover-fill-rx-2',
        iss: PEOPLE.pharmacist,
        role: 'pharmacist',
        level: 'mandatory',
        action: { name: 'takeover', params: { to: PEOPLE.pharmacist, task: 'fill-rx-2' } },
        scope: { kind: 'task', target: 'fill-rx-2', propagate: false },
        reason: 'a pharmacist verifies rx-2 by hand',
        wid: 'wf-rx-2',
        pred: [pause.jti],
        policy: POLICY,
      },
      'pharmacist',
    );
    const handed = checkedHandoff(await ward.handoff(), takeover.claims);
    log(
      `takeover of fill-rx-2 by ${short(PEOPLE.pharmacist)}: ${describeAcks(takeover.statuses)}; Hand-off ${handed.jti} verified`,
    );

    const rollback = await recallDose(ward, join(dir, 'coordinator.db'), 'dispense-fill-rx-2-dose-1');
    const cabinetAfterRollback = (await ward.view('dispensing')).cabinet;
    log(
      `rollback rb-rx-2 ${rollback.status}: ${rollback.compensated.join(', ')} recalled; P-104's cabinet: ${cabinetAfterRollback['cabinet/P-104']}`,
    );

    const resume = await signal(
      ward,
      {
        jti: 'ov-sig-resume-rx-2',
        iss: PEOPLE.supervisor,
        role: 'supervisor',
        level: 'mandatory',
        action: { name: 'resume', params: {} },
        scope: { kind: 'domain', target: WARD, propagate: false },
        reason: 'rx-2 corrected by the pharmacist; dose 1 recalled',
        wid: 'wf-rx-2',
        pred: [handed.jti],
        lifts: [pause.jti],
        policy: POLICY,
      },
      'supervisor',
    );
    log(`resume: ${describeAcks(resume.statuses)}`);
    const takenOver = await agents.pharmacy.work({ op: 'next-dose', task: 'fill-rx-2' });
    log(`pharmacy agent's own dose 2 of rx-2: refused ${takenOver.code}`);

    // The pharmacist continues the fill: her ECT names the Hand-off, so the chain goes on under her identity.
    const release = ectFetch({
      key: keyOf('pharmacist'),
      issuer: PEOPLE.pharmacist,
      audience: () => agentId('dispensing'),
      format: 'cose',
      random: seededRandom('hospital-dispensing/run-1/pharmacist'),
    });
    const dose = { patient: 'P-104', units: MAX_UNITS['P-104'], dose: 'fill-rx-2-verified' };
    const response = await release(`${agents.dispensing.url}/doses`, {
      method: 'POST',
      body: JSON.stringify(dose),
      ect: { exec_act: 'pharmacy.release', jti: 'fill-rx-2-verified', wid: 'wf-rx-2', pred: [handed.jti] },
    });
    if (!response.ok) throw new Error(`the pharmacist's release was refused: ${await response.text()}`);
    const dispensing = await ward.view('dispensing');
    const pharmacistEct = dispensing.received.find((r) => r.iss === PEOPLE.pharmacist)!;
    log(
      `pharmacist's release of 5000 units (pred: the Hand-off) dispensed; P-104's cabinet: ${dispensing.cabinet['cabinet/P-104']}`,
    );
    await agents.prescribing.work({ op: 'prescribe', rx: 'rx-4', patient: 'P-117', units: 2500, doses: 1 });
    const after = await ward.view('dispensing');
    log(`rx-4: 2500 units heparin for P-117 prescribed, filled and dispensed: the chain runs again`);
    return {
      timeline: entries,
      signalToHaltMs,
      flags: rx2.flags,
      pauseAcks: pause.statuses,
      pausedRefusal: String(paused.code),
      takeoverAcks: takeover.statuses,
      handoff: handed,
      rollback,
      cabinetAfterRollback,
      resumeAcks: resume.statuses,
      takenOverRefusal: String(takenOver.code),
      pharmacistEct,
      finalCabinet: after.cabinet,
    };
  } finally {
    await ward.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The Hand-off the pharmacy agent signed, verified under its key and checked against the takeover. */
function checkedHandoff(bytes: Uint8Array, takeover: OverrideSignalClaims) {
  const verified = handoff.verify(bytes, { key: publicKeyOf(keyOf('pharmacy')) });
  if (!verified.ok) throw verified.error;
  checkHandoff(verified.claims, takeover);
  return { to: verified.claims.to, task: verified.claims.task, jti: verified.claims.jti, matches: true };
}

/**
 * Recalls a dispensed dose through the rollback coordinator: the DAG from the ECTs the agents issued, the
 * dispensing agent's signed checkpoints, compensation over HTTP to its participant endpoint, progress in SQLite.
 */
async function recallDose(ward: Ward, file: string, task: string): Promise<RollbackOutcome> {
  const dag = new EctDag();
  const views = await Promise.all(ROLES.map((r) => ward.view(r)));
  for (const node of views.flatMap((v) => v.issued)) dag.insert(node);
  const dispensingKey = publicKeyOf(keyOf('dispensing'));
  const checkpoints = new Map(
    views[2]!.checkpoints.map((b64) => {
      const verified = checkpoint.verify(Buffer.from(b64, 'base64url'), { key: dispensingKey });
      if (!verified.ok) throw verified.error;
      return [verified.claims.task, verified.claims] as const;
    }),
  );
  const store = new SqliteRollbackStore(file);
  try {
    return await new RollbackCoordinator({
      iss: COORDINATOR,
      key: keyOf('coordinator'),
      instance: 'hospital-coordinator',
      dag,
      checkpoints: (jti) => checkpoints.get(jti),
      participants: keySet([{ key: dispensingKey, issuers: [agentId('dispensing')] }]),
      transport: httpTransport(),
      store,
      random: seededRandom('hospital-dispensing/run-1/coordinator'),
    }).rollback({
      rollback: 'rb-rx-2',
      root_cause: task,
      scope: 'descendants',
      known_good: [],
      reason: 'dose above the patient maximum',
      deadline: epochSeconds(systemClock) + 300,
    });
  } finally {
    store.close();
  }
}

/** What run 2 came to. */
export interface Run2Report {
  readonly timeline: TimelineEntry[];
  /** From issuing the Emergency stop to the escalation's last step: the faulty agent contained, measured. */
  readonly signalToHaltMs: number;
  /** How far off the stop's deadline was when it was issued (a second, less the time it took to issue it). */
  readonly deadlineInMs: number;
  /** Pushes of the stop the faulty agent swallowed (resent every 250 ms until the deadline). */
  readonly attempts: number;
  readonly verdict: string;
  readonly failedCheck: { readonly kind: string; readonly code?: string };
  /** Each escalation record, verified under the control plane's key: its step and outcome. */
  readonly escalations: { readonly step: string; readonly outcome: string; readonly targets: readonly string[] }[];
  /** The signed Escalation Records. */
  readonly escalationRecords: readonly Uint8Array[];
  readonly reportsBefore: Record<string, unknown>[];
  readonly reportsAfter: Record<string, unknown>[];
  readonly releaseRefusal: string;
  readonly openBreakers: Record<string, string[]>;
  readonly isolated: Record<string, string[]>;
  readonly modes: Record<string, string>;
}

/**
 * Run 2: the dispensing robot is faulty. It dispenses a dose nobody ordered; the safety officer sends it an
 * Emergency stop, which it swallows without acknowledging. At the deadline the control plane signs non-compliant
 * evidence and escalates: notify, breakers forced open at its peers, its key revoked, its domain isolated. Its
 * next stray dose is reported to peers that refuse it (`ERR_OV_KEY_REVOKED`), and the pharmacy sends it nothing.
 */
export async function runFaultyRobot(): Promise<Run2Report> {
  const { entries, log, start } = timeline();
  const ward = await openWard({
    run: 'run-2',
    faulty: 'dispensing',
    notify: (n) => log(`escalation: ${short(n.recipients[0]!)} notified that ${short(n.agent)} did not comply`),
  });
  const startupMs = start();
  try {
    const { agents } = ward;
    log(`three agents up in ${startupMs} ms, each its own process; the dispensing robot is faulty`);
    await agents.prescribing.work({ op: 'prescribe', rx: 'rx-3', patient: 'P-117', units: 5000, doses: 2 });
    log('rx-3: 5000 units heparin for P-117 prescribed, filled, dose 1 of 2 dispensed');
    const before = (await agents.dispensing.work({
      op: 'stray-dose',
      patient: 'P-117',
      units: 5000,
      task: 'stray-1',
      wid: 'wf-rx-3',
    })) as { reports: Record<string, unknown>[] };
    log(`robot dispenses a dose nobody ordered; its report is taken by: ${accepted(before.reports)}`);

    // Signals carry whole seconds: issued as one begins, a deadline of iat + 1 gives the robot a full second. The
    // second is chosen before the wait, since a timer may fire a millisecond early, in the second before.
    const iat = epochSeconds(systemClock) + 1;
    while (systemClock.now() < iat * 1000) {
      await new Promise((resolve) => setTimeout(resolve, iat * 1000 - systemClock.now()));
    }
    const haltStart = performance.now();
    const deadlineInMs = (iat + 1) * 1000 - systemClock.now();
    const issued = await ward.controller.issue(
      {
        jti: 'ov-sig-estop-dispensing',
        iss: PEOPLE.safetyOfficer,
        role: 'safety_officer',
        level: 'emergency',
        action: { name: 'stop', params: {} },
        category: 0,
        scope: { kind: 'agent', target: agentId('dispensing'), propagate: false },
        reason: 'the dispensing robot dispenses doses nobody ordered',
        wid: 'wf-rx-3',
        pred: ['stray-1'],
        policy: POLICY,
        iat,
        // One second to comply: an emergency stop needs no network, model or human.
        deadline: iat + 1,
      },
      { key: keyOf('safetyOfficer') },
    );
    log(`Emergency stop (category 0) of the robot, deadline in 1 s; the robot answers 202 and keeps working`);
    const [outcome] = await ward.controller.settled(issued.jti);
    const signalToHaltMs = Math.round(performance.now() - haltStart);
    const ctlKey = publicKeyOf(keyOf('ctl'));
    const evidence = complianceEvidence.verify(outcome!.evidence, { key: ctlKey });
    if (!evidence.ok) throw evidence.error;
    const failed = evidence.claims.checks.find((c) => c.result === 'fail')!;
    const escalations = outcome!.escalations.map((bytes) => {
      const verified = escalationRecord.verify(bytes, { key: ctlKey });
      if (!verified.ok) throw verified.error;
      if (verified.claims.iss !== CTL) throw new Error('an escalation record of another control plane');
      const { step, outcome, targets = [] } = verified.claims;
      return { step, outcome, targets: targets.map(short) };
    });
    const [delivery] = await ward.store.deliveries(issued.jti);
    log(
      `no acknowledgement after ${delivery!.attempts} pushes: evidence ${evidence.claims.verdict} (${failed.kind} ${failed.code})`,
    );
    log(
      `escalation: ${escalations.map((e) => `${e.step} ${e.outcome}`).join(', ')} (signal to containment ${signalToHaltMs} ms)`,
    );

    const after = (await agents.dispensing.work({
      op: 'stray-dose',
      patient: 'P-117',
      units: 5000,
      task: 'stray-2',
      wid: 'wf-rx-3',
    })) as { reports: Record<string, unknown>[] };
    log(
      `robot dispenses another stray dose; its reports: ${after.reports.map((r) => `${r.peer} ${r.code}`).join(', ')}`,
    );
    const release = await agents.pharmacy.work({ op: 'next-dose', task: 'fill-rx-3' });
    log(`pharmacy's dose 2 of rx-3 to the robot: refused ${release.code}`);
    const views = { pharmacy: await ward.view('pharmacy'), prescribing: await ward.view('prescribing') };
    return {
      timeline: entries,
      signalToHaltMs,
      deadlineInMs,
      attempts: delivery!.attempts,
      verdict: evidence.claims.verdict,
      failedCheck: { kind: failed.kind, ...(failed.code ? { code: failed.code } : {}) },
      escalations,
      escalationRecords: outcome!.escalations,
      reportsBefore: before.reports,
      reportsAfter: after.reports,
      releaseRefusal: String(release.code),
      openBreakers: {
        pharmacy: views.pharmacy.openBreakers.map(short),
        prescribing: views.prescribing.openBreakers.map(short),
      },
      isolated: { pharmacy: views.pharmacy.isolated.map(short), prescribing: views.prescribing.isolated.map(short) },
      modes: await modes(ward),
    };
  } finally {
    await ward.close();
  }
}

const describeAcks = (statuses: Record<string, string>) =>
  Object.entries(statuses)
    .sort()
    .map(([agent, status]) => `${agent} ${status}`)
    .join(', ');
const accepted = (reports: Record<string, unknown>[]) =>
  reports
    .filter((r) => r.status === 200)
    .map((r) => r.peer)
    .join(', ');

async function modes(ward: Ward): Promise<Record<string, string>> {
  const entries = await Promise.all(ROLES.map(async (r: Role) => [r, (await ward.view(r)).mode] as const));
  return Object.fromEntries(entries);
}

function show(title: string, entries: TimelineEntry[], halt: string): void {
  console.log(`  ${title}`);
  for (const e of entries) console.log(`    ${String(e.ms).padStart(6)} ms  ${e.event}`);
  console.log(`    → ${halt}\n`);
}

/** `pnpm demo`: both runs, with their timelines. */
export async function main(): Promise<void> {
  console.log('Hospital dispensing — prescribing → pharmacy → dispensing, three processes over HTTP on loopback\n');
  const one = await runHallucinatedDose();
  show(
    'Run 1: a hallucinated dose',
    one.timeline,
    `signal to halt: ${one.signalToHaltMs} ms (Mandatory pause, 3 agents)`,
  );
  const two = await runFaultyRobot();
  show(
    'Run 2: a robot that ignores an Emergency stop',
    two.timeline,
    `signal to containment: ${two.signalToHaltMs} ms (deadline 1 s, then escalation)`,
  );
}
