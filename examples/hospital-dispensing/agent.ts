import { compileProfile, Monitor, type ObservationInputIn } from '@safety-net/behavioral-verification';
import { participantHandler } from '@safety-net/cascade-prevention';
import {
  type EctCall,
  ectFetch,
  epochSeconds,
  isSafetyNetError,
  keySet,
  MemoryReplayCache,
  publicKeyOf,
  randomUuid,
  seededRandom,
  systemClock,
  toBase64Url,
  utf8,
  type VerifiedEct,
  withExecutionContext,
} from '@safety-net/core';
import {
  authorityPolicy,
  type GuardAction,
  OVERRIDE_PATH,
  OverrideGuard,
  overrideEndpoint,
} from '@safety-net/override-protocol';
import { SqliteStateStore } from '@safety-net/override-protocol/sqlite';
import { Cabinet } from './cabinet.js';
import { EscalationSinks } from './escalation-sinks.js';
import { type AgentConfig, agentId, keyOf, PEOPLE, policyClaims, ROLES, type Role, WARD, WARD_RULES } from './world.js';

/** A pharmacy fill: the doses of one prescription, released one at a time. */
interface Fill {
  readonly rx: string;
  readonly wid: string;
  readonly patient: string;
  readonly units: number;
  readonly doses: number;
  remaining: number;
  /** The fill's last ECT: the prescription, then each release. */
  last: string;
}

/** An ECT an agent accepted, or a message it refused, as the scenario reports them. */
export interface Received {
  readonly path: string;
  readonly iss?: string;
  readonly jti?: string;
  readonly exec_act?: string;
  readonly pred?: readonly string[];
  readonly code?: string;
}

/** What an agent shows the scenario on `GET /view`. */
export interface AgentView {
  readonly mode: string;
  /** The work ECTs it issued, as DAG nodes. */
  readonly issued: { jti: string; wid: string; iat: number; iss: string; exec_act: string; pred: string[] }[];
  readonly received: Received[];
  /** The dispensing cabinet, per patient. */
  readonly cabinet: Record<string, string>;
  /** Its signed checkpoints (base64url), dispensing only. */
  readonly checkpoints: string[];
  /** Breakers held open by announcements, by dependency. */
  readonly openBreakers: string[];
  /** Agents isolated by an escalation. */
  readonly isolated: string[];
}

const json = (body: unknown, status = 200) => Response.json(body, { status });
const codeOf = (e: unknown) => (isSafetyNetError(e) ? e.code : String(e));

/**
 * One agent of the chain, as its own process would run it: its guard over a SQLite store, its behavioural monitor
 * (every action runs through both), ECTs over HTTP to the next agent, its override endpoint, and the sinks through
 * which escalation reaches it (breaker announcements, key revocations, isolation). The dispensing agent is also a
 * rollback participant. A faulty dispensing agent answers override signals without ever applying them.
 */
export async function startAgent(config: AgentConfig, self: () => string) {
  const { role } = config;
  const id = agentId(role);
  const key = keyOf(role);
  const clock = systemClock;
  const random = seededRandom(`hospital-dispensing/${config.run}/${role}`);
  const guard = await OverrideGuard.open({
    agent: id,
    key,
    store: new SqliteStateStore(config.db),
    authority: publicKeyOf(keyOf('authority')),
    policy: authorityPolicy.sign(policyClaims(config.policyIat), keyOf('authority')),
    domains: [WARD],
    clock,
    random,
    onAcknowledgement: (ack) => void post(`${config.ctl}/acks`, ack),
    handOff: (task) => {
      const fill = fills.get(task)!;
      return {
        snapshot: utf8(JSON.stringify(fill)),
        pending: Array.from({ length: fill.remaining }, () => ({
          name: 'pharmacy.release',
          params: { units: fill.units },
        })),
        lastEct: fill.last,
      };
    },
    onHandoff: (bytes) => void post(`${config.ctl}/handoffs`, bytes),
  });

  // The monitor flags (or blocks) what the ward's profile says; its findings on the last action are kept.
  let findings: string[] = [];
  const monitor = new Monitor(compileProfile(WARD_RULES), {
    clock,
    onOutcome: ({ verdict }) => {
      findings = verdict.violations.map((v) => v.rule);
    },
  });
  /** Runs an action through the guard, then the monitor: a halted agent runs nothing, a blocked action neither. */
  const act = <T>(action: GuardAction, fn: () => Promise<T>) =>
    guard.run(action, (_signal, a) =>
      monitor.guard(
        {
          name: a.name,
          arguments: (a.params ?? {}) as ObservationInputIn['params'],
          jti: randomUuid(random),
          wid: a.workflow ?? WARD,
          iss: id,
        },
        fn,
      ),
    );

  const issued: AgentView['issued'] = [];
  const received: Received[] = [];
  // The other agents' base URLs, which the scenario hands over once every process listens.
  const peerUrls = new Map<Role, string>();
  const agentAt = new Map<string, string>();
  const send = ectFetch({
    key,
    issuer: id,
    audience: (url) => agentAt.get(url.origin)!,
    clock,
    random,
    format: 'cose',
  });
  /** Sends a work ECT and its JSON body to another agent; records the ECT as issued. */
  const sendEct = async (to: Role, path: string, body: unknown, call: EctCall & { jti: string; wid: string }) => {
    const response = await send(`${peerUrls.get(to)}${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      ect: call,
    });
    // One task reported to several peers is one node.
    if (!issued.some((n) => n.jti === call.jti))
      issued.push({
        jti: call.jti,
        wid: call.wid,
        iat: epochSeconds(clock),
        iss: id,
        exec_act: call.exec_act,
        pred: [...(call.pred ?? [])],
      });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  // Who may send this agent ECTs: the other agents and the pharmacist; a key escalation revoked is refused.
  const escalation = new EscalationSinks(id, role, clock);
  const senders = keySet([
    ...ROLES.filter((r) => r !== role).map((r) => ({ key: publicKeyOf(keyOf(r)), issuers: [agentId(r)] })),
    { key: publicKeyOf(keyOf('pharmacist')), issuers: [PEOPLE.pharmacist] },
  ]);
  const replay = new MemoryReplayCache();
  const receive = (path: string, handler: (ect: VerifiedEct, body: Record<string, unknown>) => Promise<Response>) => {
    const verified = withExecutionContext(
      async (request, { ects }) => {
        const ect = ects[0]!;
        received.push({
          path,
          iss: ect.claims.iss,
          jti: ect.claims.jti,
          exec_act: ect.claims.exec_act,
          pred: ect.claims.pred,
        });
        try {
          return await handler(ect, (await request.json()) as Record<string, unknown>);
        } catch (e) {
          // Verified, but the agent did not do it: halted, fenced, or its breaker open.
          return json({ code: codeOf(e) }, 409);
        }
      },
      { key: escalation.refusingRevoked(senders), audience: id, clock, replay },
    );
    return async (request: Request) => {
      const response = await verified(request);
      if (!response.ok) received.push({ path, code: ((await response.clone().json()) as { code: string }).code });
      return response;
    };
  };

  // ---- the pharmacy's fills --------------------------------------------------------------------------------------
  const fills = new Map<string, Fill>();
  const releaseNext = async (task: string) => {
    const fill = fills.get(task)!;
    const dose = `${task}-dose-${fill.doses - fill.remaining + 1}`;
    return act({ name: 'pharmacy.release', params: { units: fill.units }, task, workflow: fill.wid }, async () => {
      const dispensing = agentId('dispensing');
      const sent = await escalation.breakers.get(dispensing)!.execute(() =>
        sendEct(
          'dispensing',
          '/doses',
          { patient: fill.patient, units: fill.units, dose },
          {
            exec_act: 'pharmacy.release',
            jti: dose,
            wid: fill.wid,
            pred: [fill.last],
          },
        ),
      );
      fill.remaining -= 1;
      fill.last = dose;
      return sent;
    });
  };

  // ---- the dispensing cabinet --------------------------------------------------------------------------------------
  const cabinet =
    role === 'dispensing' ? new Cabinet(id, key, { clock, random, db: `${config.db}.rollback` }) : undefined;
  await cabinet?.participant.open();
  const dispense = async (patient: string, units: number, task: string, wid: string, pred: string[]) =>
    act({ name: 'dispense.heparin', params: { units }, task, workflow: wid }, async () => {
      cabinet!.put({ patient, units, task, wid, pred }, `${self()}/rollback`);
      // The dispense is reported to the pharmacy and the prescriber as this agent's ECT.
      const reports = [];
      for (const peer of ['pharmacy', 'prescribing'] as const) {
        const r = await sendEct(
          peer,
          '/reports',
          { patient, units },
          { exec_act: 'dispense.heparin', jti: task, wid, pred },
        );
        reports.push({ peer, status: r.status, code: r.body.code });
      }
      return { dispensed: task, reports };
    });
  // ---- routes ------------------------------------------------------------------------------------------------------
  const override = overrideEndpoint(guard);
  const routes: Record<string, (request: Request) => Promise<Response>> = {
    '/orders': receive('/orders', async (ect, body) => {
      const task = `fill-${ect.claims.jti}`;
      fills.set(task, {
        rx: ect.claims.jti,
        wid: ect.claims.wid,
        patient: String(body.patient),
        units: Number(body.units),
        doses: Number(body.doses),
        remaining: Number(body.doses),
        last: ect.claims.jti,
      });
      return json(await releaseNext(task));
    }),
    '/doses': receive('/doses', async (ect, body) =>
      json(
        await dispense(String(body.patient), Number(body.units), `dispense-${body.dose}`, ect.claims.wid, [
          ect.claims.jti,
        ]),
      ),
    ),
    '/reports': receive('/reports', async () => json({ recorded: true })),
    '/work': async (request) => {
      const command = (await request.json()) as Record<string, string | number>;
      try {
        return json(await work(command));
      } catch (e) {
        return json({ code: codeOf(e) }, 409);
      }
    },
  };
  const work = async (command: Record<string, string | number>) => {
    switch (command.op) {
      case 'peers':
        for (const r of ROLES) {
          peerUrls.set(r, String(command[r]));
          agentAt.set(new URL(String(command[r])).origin, agentId(r));
        }
        return {};
      case 'prescribe': {
        const rx = String(command.rx);
        const result = await act(
          { name: `rx.prescribe.${command.patient}`, params: { units: command.units }, task: rx, workflow: `wf-${rx}` },
          () =>
            sendEct('pharmacy', '/orders', command, { exec_act: 'rx.prescribe', jti: rx, wid: `wf-${rx}`, pred: [] }),
        );
        return { flags: findings, downstream: result };
      }
      case 'next-dose':
        return releaseNext(String(command.task));
      case 'stray-dose':
        // The faulty robot dispenses a dose nobody ordered.
        return dispense(String(command.patient), Number(command.units), String(command.task), String(command.wid), []);
      default:
        throw new Error(`unknown command ${command.op}`);
    }
  };

  const handle = async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    if (path.startsWith(OVERRIDE_PATH)) {
      // The faulty robot takes the signal in and never applies or acknowledges it.
      if (config.faulty) return new Response(null, { status: 202 });
      return override(request);
    }
    if (path.startsWith('/rollback/') && cabinet) return participantHandler(cabinet.participant)(request);
    if (path.startsWith('/escalation/') && request.method === 'POST') {
      try {
        const applied = escalation.apply(
          path.slice('/escalation/'.length),
          new Uint8Array(await request.arrayBuffer()),
        );
        return new Response(null, { status: applied ? 204 : 404 });
      } catch (e) {
        return json({ code: codeOf(e) }, 400);
      }
    }
    if (path === '/view') return json(view());
    return routes[path]?.(request) ?? new Response(null, { status: 404 });
  };
  const view = (): AgentView => ({
    mode: guard.mode(),
    issued,
    received,
    cabinet: Object.fromEntries(cabinet?.drawers ?? []),
    checkpoints: (cabinet?.checkpoints ?? []).map(toBase64Url),
    openBreakers: escalation.open(),
    isolated: [...escalation.isolated],
  });
  return { handle, close: () => guard.close() };
}

async function post(url: string, bytes: Uint8Array): Promise<void> {
  await fetch(url, {
    method: 'POST',
    body: bytes as Uint8Array<ArrayBuffer>,
    headers: { 'content-type': 'application/cose' },
  }).catch(() => undefined);
}
