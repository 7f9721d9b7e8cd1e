import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { epochSeconds, publicKeyOf, seededRandom, systemClock } from '@safety-net/core';
import {
  controlPlaneHandler,
  type EscalationNotice,
  keyRevocation,
  OVERRIDE_PATH,
  OverrideController,
} from '@safety-net/override-protocol';
import { SqliteControllerStore } from '@safety-net/override-protocol/sqlite';
import type { AgentView } from './agent.js';
import { type AgentProcess, spawnAgent } from './processes.js';
import { agentId, CTL, keyOf, ROLES, type Role, WARD } from './world.js';

/** Posts a signed record to an agent and fails unless it took it, so that escalation records a failed step. */
async function postCose(url: string, bytes: Uint8Array): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    body: bytes as Uint8Array<ArrayBuffer>,
    headers: { 'content-type': 'application/cose' },
  });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${await response.text()}`);
}

/**
 * The ward of one run: the three agents in child processes, and in this process the control plane (SQLite store,
 * HTTP on loopback for acknowledgements and hand-offs) with escalation wired to the agents' endpoints.
 */
export async function openWard(options: { run: string; faulty?: Role; notify: (notice: EscalationNotice) => void }) {
  const dir = mkdtempSync(join(tmpdir(), 'hospital-dispensing-'));
  const store = new SqliteControllerStore(join(dir, 'ctl.db'));
  const urls = new Map<string, string>();
  const urlOf = (agent: string) => urls.get(agent)!;
  const controller = new OverrideController({
    ctl: CTL,
    key: keyOf('ctl'),
    store,
    instance: `ctl-${options.run}`,
    random: seededRandom(`hospital-dispensing/${options.run}/ctl`),
    // Evidence at the deadline itself: the agents share this machine's clock.
    skew: 0,
    escalation: {
      notify: options.notify,
      announce: (peer, bytes) => postCose(`${urlOf(peer)}/escalation/breaker`, bytes),
      // Every agent of the ward but the one revoked learns of it.
      revoke: [
        async (bytes) => {
          const revocation = keyRevocation.verify(bytes, { key: publicKeyOf(keyOf('ctl')) });
          if (!revocation.ok) throw revocation.error;
          const others = ROLES.map(agentId).filter((id) => id !== revocation.claims.subject);
          await Promise.all(others.map((id) => postCose(`${urlOf(id)}/escalation/revocation`, bytes)));
        },
      ],
      isolate: (peer, record) => postCose(`${urlOf(peer)}/escalation/isolation`, record),
    },
  });
  // Hand-offs come by their own post, which may arrive after the takeover's final acknowledgement.
  let handoff: Uint8Array | undefined;
  let onHandoff = () => {};
  const acks = controlPlaneHandler(controller);
  const server = createAdaptorServer({
    fetch: async (request: Request) => {
      if (new URL(request.url).pathname !== '/handoffs') return acks(request);
      handoff = new Uint8Array(await request.arrayBuffer());
      onHandoff();
      return new Response(null, { status: 204 });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const ctl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // Everyone signs the same policy: its iat is fixed once for the run.
  const policyIat = epochSeconds(systemClock) - 60;
  const agents = {} as Record<Role, AgentProcess>;
  try {
    for (const role of ROLES) {
      agents[role] = await spawnAgent({
        role,
        run: options.run,
        db: join(dir, `${role}.db`),
        ctl,
        policyIat,
        ...(options.faulty === role ? { faulty: true } : {}),
      });
      urls.set(agentId(role), agents[role].url);
    }
  } catch (e) {
    await Promise.all(Object.values(agents).map((a) => a.stop()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    store.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const register = (role: Role, tasks: string[] = []) =>
    controller.registerAgent({
      id: agentId(role),
      key: publicKeyOf(keyOf(role)),
      endpoint: `${agents[role].url}${OVERRIDE_PATH}`,
      domains: [WARD],
      tasks,
      // The agents that consume its outputs: where escalation opens breakers.
      peers: ROLES.filter((r) => r !== role).map(agentId),
    });
  const peers = Object.fromEntries(ROLES.map((r) => [r, agents[r].url]));
  for (const role of ROLES) {
    await agents[role].work({ op: 'peers', ...peers });
    register(role);
  }
  return {
    agents,
    controller,
    store,
    /** The latest Hand-off an agent signed, once one has arrived. */
    handoff(): Promise<Uint8Array> {
      return handoff ? Promise.resolve(handoff) : new Promise((resolve) => (onHandoff = () => resolve(handoff!)));
    },
    /** Tells the control plane which tasks an agent runs, for task-scoped signals. */
    runs: register,
    async view(role: Role): Promise<AgentView> {
      return (await (await fetch(`${agents[role].url}/view`)).json()) as AgentView;
    },
    async close() {
      await controller.close();
      await Promise.all(ROLES.map((r) => agents[r].stop()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type Ward = Awaited<ReturnType<typeof openWard>>;
