import {
  type AppraisalPolicy,
  appraiseBet,
  behavioralProfile,
  bet,
  commitParams,
  compileProfile,
  issueBet,
  Monitor,
  observation,
  observationInput,
  profileDigest,
  type Violation,
} from '@safety-net/behavioral-verification';
import {
  dagNodeOf,
  EctDag,
  ect,
  ectHash,
  epochSeconds,
  fixedClock,
  generateKey,
  keySet,
  matchesEctHash,
  newEctClaims,
  publicKeyOf,
  randomUuid,
  seededRandom,
  snError,
  utf8,
} from '@safety-net/core';
import { type Order, TradingAgent } from './agent.js';
import { PARTIES, TRADING_RULES } from './profile.js';
import { formatStep, type Step, type Timeline, type TradeStep } from './timeline.js';

export type { Timeline } from './timeline.js';

const START = Date.UTC(2026, 2, 2, 14, 30, 0);
const WID = 'wf-fx-book-2026-03-02';
/** Orders the agent places before its model update. */
const BASELINE_ORDERS = 20;
/** A BET every this many orders, and at once on a hard violation. */
const BET_EVERY = 5;
/** Most orders after the update: the story ends at the first blocked one long before. */
const MAX_DRIFTED_ORDERS = 40;

/**
 * The seed's trading agent under a behavioural monitor in enforce mode. Twenty orders around 200,000; then a
 * "model update" after which order sizes grow steadily. Every order is a signed ECT chained by `pred`; the order
 * gateway verifies it, signs an Observation and asks the monitor before executing. The CUSUM drift alarm fires
 * while orders are still within limits; the first order over 1,000,000 is blocked and never runs. The monitor
 * issues BETs every five orders and on the violation (each a node of the ECT DAG); the settlement desk appraises
 * each BET before settling the orders it covers and refuses once the verdict is `violation`. Deterministic:
 * fixed clock, keys and ids from a seed.
 */
export async function runTradingDrift(): Promise<Timeline> {
  const clock = fixedClock(START);
  const random = seededRandom('examples/trading-drift');
  const key = (kid: string) => ({ ...generateKey('Ed25519', random), kid: utf8(kid) });
  const agentKey = key('trader-7');
  const operatorKey = key('desk-ops-2026');
  const gatewayKey = key('gateway-2026');
  const verifierKey = key('risk-monitor-2026');
  const now = epochSeconds(clock);

  // The operator signs the profile; the monitor and the desk both verify it and name it by its digest.
  const profileBytes = behavioralProfile.sign(
    behavioralProfile.parse({
      iss: PARTIES.operator,
      sub: PARTIES.agent,
      iat: now,
      exp: now + 86_400,
      pid: 'fx-trading-limits',
      ver: 3,
      rules: TRADING_RULES,
      baseline: { samples: 5_000, from: now - 30 * 86_400, to: now - 86_400 },
    }),
    operatorKey,
  );
  const verifiedProfile = behavioralProfile.verify(profileBytes, {
    key: keySet([{ key: publicKeyOf(operatorKey), issuers: [PARTIES.operator] }]),
    clock,
  });
  if (!verifiedProfile.ok) throw verifiedProfile.error;
  const profile = profileDigest(verifiedProfile.claims);
  // The DAG is passed in so the monitor keeps it: every executed order and every BET is a node of it.
  const dag = new EctDag();
  const monitor = new Monitor(compileProfile(verifiedProfile.claims.rules), { mode: 'enforce', clock, dag });

  const agentKeys = keySet([{ key: publicKeyOf(agentKey), issuers: [PARTIES.agent] }]);
  const gatewayKeys = keySet([{ key: publicKeyOf(gatewayKey), issuers: [PARTIES.gateway] }]);
  const deskPolicy: AppraisalPolicy = {
    verifiers: keySet([{ key: publicKeyOf(verifierKey), issuers: [PARTIES.verifier] }]),
    verifier: PARTIES.verifier,
    profile,
    agent: PARTIES.agent,
    audience: PARTIES.desk,
    // The desk settles while the agent drifts (the risk team is alerted) but never on a violation.
    acceptVerdicts: ['compliant', 'drift'],
    clock,
  };

  // The agent's own stream, so that its order sizes do not depend on how many ids the rest of the system draws.
  const agent = new TradingAgent(seededRandom('examples/trading-drift/agent'));
  const steps: Step[] = [];
  const executed: string[] = [];
  let last: string | undefined;
  // The current BET window: signed Observations, findings and executed orders since the last BET.
  let window = { from: now, observations: [] as Uint8Array[], violations: [] as Violation[], orders: [] as string[] };

  /** The agent signs its order as an ECT; the gateway verifies it, observes it and asks the monitor. */
  function placeOrder(n: number, order: Order, afterUpdate: boolean): TradeStep {
    const body = JSON.stringify(order);
    const claims = newEctClaims(
      {
        iss: PARTIES.agent,
        aud: PARTIES.gateway,
        wid: WID,
        exec_act: 'trade.place',
        pred: last ? [last] : [],
        inp_hash: ectHash(body),
      },
      { clock, random },
    );
    const token = ect.sign(claims, agentKey);

    const received = ect.verify(token, { key: agentKeys, audience: PARTIES.gateway, clock });
    if (!received.ok) throw received.error;
    if (!received.claims.inp_hash || !matchesEctHash(body, received.claims.inp_hash))
      throw snError('ERR_INPUT_INVALID', 'order body does not match inp_hash');
    const params = { ...order };
    const signedObservation = observation.sign(
      {
        iss: PARTIES.gateway,
        sub: PARTIES.agent,
        iat: epochSeconds(clock),
        jti: randomUuid(random),
        ect_jti: received.claims.jti,
        ect_hash: ectHash(token),
        wid: received.claims.wid,
        exec_act: received.claims.exec_act,
        pred: received.claims.pred,
        time_ms: clock.now(),
        params,
        params_commit: commitParams(params, random).commitments,
      },
      gatewayKey,
    );

    const seen = observation.verify(signedObservation, { key: gatewayKeys, clock });
    if (!seen.ok) throw seen.error;
    const verdict = monitor.evaluate(observationInput(seen.claims));
    window.observations.push(signedObservation);
    window.violations.push(...verdict.violations);
    const runs = verdict.decision === 'allow';
    if (runs) {
      agent.filled(order);
      executed.push(claims.jti);
      window.orders.push(claims.jti);
      last = claims.jti;
    }
    return {
      kind: 'trade',
      t: clock.now() - START,
      n,
      afterUpdate,
      jti: claims.jti,
      ect: token,
      action: claims.exec_act,
      order,
      decision: verdict.decision,
      violations: verdict.violations,
      executed: runs,
    };
  }

  /** The monitor issues a BET on the window and records it in the DAG; the desk appraises it before settling. */
  function closeWindow(): void {
    const issued = issueBet({
      verifierKey,
      verifier: PARTIES.verifier,
      agent: PARTIES.agent,
      audience: PARTIES.desk,
      profile,
      observations: window.observations,
      violations: window.violations,
      window: { from: window.from, to: epochSeconds(clock) },
      wid: WID,
      pred: last ? [last] : [],
      clock,
      random,
    });
    dag.insert(dagNodeOf(bet, issued.claims));
    const gate = appraiseBet(issued.bytes, deskPolicy);
    steps.push({
      kind: 'bet',
      t: clock.now() - START,
      jti: issued.claims.jti,
      bytes: issued.bytes,
      verdict: issued.claims.verdict,
      observed: issued.claims.obs_count,
      appraisal: gate.decision,
      reasons: gate.reasons.map((r) => r.code),
      orders: window.orders,
    });
    window = { from: epochSeconds(clock), observations: [], violations: [], orders: [] };
  }

  for (let n = 1; n <= BASELINE_ORDERS + MAX_DRIFTED_ORDERS; n++) {
    const afterUpdate = n > BASELINE_ORDERS;
    if (n === BASELINE_ORDERS + 1) {
      agent.updateModel();
      steps.push({ kind: 'note', t: clock.now() - START, text: 'model update deployed to trader-7' });
    }
    clock.advance(1_800);
    const step = placeOrder(n, agent.nextOrder(), afterUpdate);
    steps.push(step);
    if (!step.executed) {
      closeWindow();
      steps.push({ kind: 'note', t: clock.now() - START, text: 'order flow from trader-7 halted pending review' });
      break;
    }
    if (window.observations.length === BET_EVERY) closeWindow();
  }
  return {
    steps,
    dag,
    executed,
    profile,
    start: START,
    keys: { agent: publicKeyOf(agentKey), verifier: publicKeyOf(verifierKey) },
  };
}

/** Prints the scenario as a readable timeline. */
export async function main(): Promise<void> {
  const { steps, dag, executed } = await runTradingDrift();
  console.log(
    'Trading drift — a trading agent drifts after a model update; enforce-mode monitor, BETs, settlement desk\n',
  );
  for (const step of steps) console.log(`  ${formatStep(step)}`);
  console.log(
    `\n  ECT DAG: ${dag.size} nodes (${executed.length} executed orders + BETs); blocked orders never enter it\n`,
  );
}
