import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { type Clock, publicKeyOf, seededRandom } from '@safety-net/core';
import { OverrideController } from '../../src/controller/controller.js';
import { MemoryControllerStore } from '../../src/controller/memory-store.js';
import type { ControllerOptions } from '../../src/controller/options.js';
import type { SignalRequest } from '../../src/controller/signal-request.js';
import { OVERRIDE_PATH, overrideEndpoint } from '../../src/endpoint/index.js';
import { SAMPLE_CTL, SAMPLE_KEYS, SAMPLE_NOW, sampleKey } from '../../src/testing.js';
import { openGuard } from '../guard/world.js';

export const NOW = SAMPLE_NOW;
export const DOMAIN = 'ward-3';
export const agentId = (i: number) => `spiffe://example.org/agent/a${i}`;
export const agentKey = (i: number) => sampleKey(`agent-a${i}`);

/** An Emergency category 0 stop of every agent of the ward, by the safety officer the sample policy grants it to. */
export function emergencyStop(overrides: Partial<SignalRequest> = {}): SignalRequest {
  return {
    iss: 'mailto:olu@example.org',
    role: 'safety_officer',
    level: 'emergency',
    action: { name: 'stop', params: {} },
    category: 0,
    scope: { kind: 'domain', target: DOMAIN, propagate: false },
    reason: 'dose outside the ward protocol',
    wid: 'wf-dispense-17',
    pred: [],
    iat: NOW,
    policy: { pid: 'ward-3', ver: 4 },
    ...overrides,
  };
}

/** A clock and timers that move only when the test says so; timers fire in due order. */
export class ManualTime {
  #now: number;
  #next = 0;
  readonly #pending = new Map<number, { at: number; run: () => void }>();
  readonly clock: Clock = { now: () => this.#now };
  readonly timers = {
    set: (ms: number, run: () => void) => {
      this.#pending.set(++this.#next, { at: this.#now + ms, run });
      return this.#next;
    },
    clear: (handle: unknown) => void this.#pending.delete(handle as number),
  };

  constructor(startMs: number) {
    this.#now = startMs;
  }

  /** Moves the clock `ms` forward, firing every timer that falls due on the way, earliest first. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      const due = [...this.#pending].filter(([, t]) => t.at <= target).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      this.#pending.delete(due[0]);
      this.#now = Math.max(this.#now, due[1].at);
      due[1].run();
      await new Promise((r) => setImmediate(r));
    }
    this.#now = target;
  }

  /** Delays of the timers now pending, from now. */
  pendingDelays(): number[] {
    return [...this.#pending.values()].map((t) => t.at - this.#now);
  }
}

/** A Web-standard handler served on loopback by node:http; resolves to its origin and a close function. */
export async function serve(handler: (request: Request) => Promise<Response> | Response, port = 0) {
  const server = createAdaptorServer({ fetch: handler });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      server.close(() => resolve());
    });
  return { origin, close };
}

/**
 * Agent `i`: a real guard in the ward's domain behind its override endpoint on loopback HTTP. `gate` runs before
 * the endpoint sees a request (a barrier, a failure).
 */
export async function servedAgent(i: number, gate?: (request: Request) => Promise<Response | undefined>) {
  const world = await openGuard({
    agent: agentId(i),
    key: agentKey(i),
    domains: [DOMAIN],
    random: seededRandom(`agent-${i}`),
  });
  const endpoint = overrideEndpoint(world.guard);
  let requests = 0;
  const http = await serve(async (request) => {
    requests++;
    return (await gate?.(request)) ?? endpoint(request);
  });
  return {
    ...world,
    id: agentId(i),
    endpoint: `${http.origin}${OVERRIDE_PATH}`,
    requests: () => requests,
    close: async () => {
      await http.close();
      await world.guard.close();
    },
  };
}

/** A controller of the sample control plane on manual time, signing signals as the safety officer. */
export function makeController(time: ManualTime, options: Partial<ControllerOptions> = {}) {
  return new OverrideController({
    ctl: SAMPLE_CTL,
    key: SAMPLE_KEYS.ctl,
    signer: SAMPLE_KEYS.safetyOfficer,
    store: new MemoryControllerStore(),
    clock: time.clock,
    timers: time.timers,
    random: seededRandom('controller-test'),
    instance: 'ctl-1',
    ...options,
  });
}

export const ctlPublic = publicKeyOf(SAMPLE_KEYS.ctl);

/** Polls `check` on real time until it holds (network work between manual-time steps), or fails after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, what = 'condition', ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A real guard of agent `i` on the test's manual time, working under the sample control plane's leases. */
export function leasedGuard(time: ManualTime, i = 1) {
  return openGuard({
    agent: agentId(i),
    key: agentKey(i),
    domains: [DOMAIN],
    clock: time.clock,
    timers: time.timers,
    lease: { ctl: SAMPLE_CTL, key: ctlPublic, monotonic: () => time.clock.now() },
  });
}
