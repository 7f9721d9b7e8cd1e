import { type Clock, type PrivateKey, type RandomSource, randomUuid, readClock, snError } from '@safety-net/core';
import { ovError } from '../errors.js';
import type { GuardTimers } from '../guard/options.js';
import type { Order, PolicyRef } from '../messages/common.js';
import { type HeartbeatClaims, heartbeat } from '../messages/heartbeat.js';
import { type LeaseClaims, lease, MAX_LEASE_TTL, MIN_LEASE_TTL, type SafeState } from '../messages/lease.js';
import { overrideSignal } from '../messages/override-signal.js';
import { claimsOf } from './decode.js';
import type { Post } from './post.js';
import type { AgentRegistry } from './registry.js';
import type { ControllerStore } from './store.js';

/** How the control plane grants leases (spec §4.5, §9). */
export interface LeaseGrant {
  /** Seconds each lease lives, 5–3600 (default 30); the control plane renews it every `ttl` / 3. */
  readonly ttl?: number;
  /** What the agent enters when its lease lapses. Default `stop`. */
  readonly safeState?: SafeState;
  /** The authority policy the leases name as current (spec §5.1). */
  readonly policy: PolicyRef;
}

/** An agent delivered to in process that takes leases (an `OverrideGuard` does). */
export interface LeaseTaker {
  acceptLease(bytes: Uint8Array): Promise<void>;
}

/** What the lease issuer needs of its controller. */
export interface LeaseContext {
  readonly ctl: string;
  readonly key: PrivateKey;
  readonly store: ControllerStore;
  readonly registry: AgentRegistry;
  readonly inProcess: (agent: string) => Partial<LeaseTaker> | undefined;
  /** How pushes go over HTTP (the controller's). */
  readonly post: Post;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly timers: GuardTimers;
  readonly attemptTimeoutMs: number;
  readonly onError: (error: unknown) => void;
}

const PAGE = 1000;
const later = (a: Order, b: Order) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

/**
 * The control plane's side of the dead-man's switch (spec §9): signs a Lease for every registered agent now and
 * every `ttl` / 3 seconds on the injected timers, records each, and delivers it as signals are delivered (pushed to
 * the agent's endpoint, or handed to its in-process guard). Heartbeats are verified, recorded and answered with a
 * lease at once, whose `pred` names them. When the issuer stops, leases lapse at the agents: their safe state.
 */
export class LeaseIssuer {
  readonly #ctx: LeaseContext;
  readonly #grant: Required<LeaseGrant>;
  /** The highest order issued per agent, so each lease tells the agent whether it missed a signal (§4.5). */
  readonly #orders = new Map<string, Order>();
  readonly #heartbeats = new Map<string, string>();
  #timer: unknown;
  #stopped = false;

  constructor(ctx: LeaseContext, grant: LeaseGrant) {
    const ttl = grant.ttl ?? 30;
    if (!Number.isSafeInteger(ttl) || ttl < MIN_LEASE_TTL || ttl > MAX_LEASE_TTL) {
      throw ovError('ERR_OV_CONFIG_INVALID', `lease ttl must be in ${MIN_LEASE_TTL}..${MAX_LEASE_TTL} seconds`);
    }
    const safeState = grant.safeState ?? 'stop';
    if (safeState !== 'pause' && safeState !== 'stop')
      throw ovError('ERR_OV_CONFIG_INVALID', 'safeState: pause or stop');
    if (typeof grant.policy?.pid !== 'string' || !Number.isSafeInteger(grant.policy.ver)) {
      throw ovError('ERR_OV_CONFIG_INVALID', 'policy must name the current authority policy');
    }
    this.#ctx = ctx;
    this.#grant = { ttl, safeState, policy: grant.policy };
  }

  /** Grants every registered agent a lease now, then renews them every `ttl` / 3 until {@link stop}. */
  start(): void {
    const tick = () => {
      if (this.#stopped) return;
      for (const agent of this.#ctx.registry.ids()) this.#background(this.grant(agent));
      this.#timer = this.#ctx.timers.set(Math.floor((this.#grant.ttl * 1000) / 3), tick);
    };
    tick();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#ctx.timers.clear(this.#timer);
  }

  /** Notes a signal's order for the agents it was delivered to. */
  noteOrder(order: Order, agents: readonly string[]): void {
    for (const agent of agents) {
      const held = this.#orders.get(agent);
      if (held === undefined || later(order, held)) this.#orders.set(agent, order);
    }
  }

  /**
   * Takes an agent's Heartbeat: verifies it under the agent's registered key, records it, and answers with a new
   * lease naming it, which it also delivers as the timer's leases are. `ERR_KEY_NOT_FOUND` for an unknown agent; `ERR_OV_OUT_OF_SCOPE` for another control plane's.
   */
  async heartbeat(bytes: Uint8Array): Promise<{ claims: HeartbeatClaims; lease: Uint8Array }> {
    let issuer: string;
    try {
      issuer = claimsOf(heartbeat, bytes).iss;
    } catch (e) {
      throw snError('ERR_INPUT_INVALID', 'not a heartbeat', { cause: e });
    }
    const agent = this.#ctx.registry.get(issuer);
    if (agent === undefined) throw snError('ERR_KEY_NOT_FOUND', `no registered agent ${issuer}`);
    const result = heartbeat.verify(bytes, { key: agent.key, clock: this.#ctx.clock });
    if (!result.ok) throw result.error;
    const claims = result.claims;
    if (claims.ctl !== this.#ctx.ctl) throw ovError('ERR_OV_OUT_OF_SCOPE', `a heartbeat for ${claims.ctl}`);
    await this.#ctx.store.addRecord({ kind: 'heartbeat', jti: claims.jti, agent: issuer, iat: claims.iat, bytes });
    this.#heartbeats.set(issuer, claims.jti);
    if (this.#stopped) throw ovError('ERR_OV_CONFIG_INVALID', 'the control plane grants no more leases');
    const answer = await this.#sign(issuer);
    this.#background(this.#deliver(issuer, answer));
    return { claims, lease: answer };
  }

  /** Signs, records and delivers one lease to `agent`. */
  async grant(agent: string): Promise<void> {
    await this.#deliver(agent, await this.#sign(agent));
  }

  /** Signs and records a lease for `agent`; resolves to its bytes. */
  async #sign(agent: string): Promise<Uint8Array> {
    const ctx = this.#ctx;
    const iat = Math.floor(readClock(ctx.clock) / 1000);
    const heartbeatJti = this.#heartbeats.get(agent);
    const claims: LeaseClaims = {
      iss: ctx.ctl,
      sub: agent,
      iat,
      exp: iat + this.#grant.ttl,
      jti: `ov-lease-${randomUuid(ctx.random)}`,
      wid: `ov:${ctx.ctl}:agent:${agent}`,
      pred: heartbeatJti === undefined ? [] : [heartbeatJti],
      ttl: this.#grant.ttl,
      safe_state: this.#grant.safeState,
      order: await this.#orderFor(agent),
      policy: this.#grant.policy,
    };
    const bytes = lease.sign(claims, ctx.key);
    // Recorded with its place in the agent's outbox, for an agent that pulls (spec §7.2).
    await ctx.store.addLease({ kind: 'lease', jti: claims.jti, agent, iat, bytes });
    return bytes;
  }

  async #deliver(agent: string, bytes: Uint8Array): Promise<void> {
    const local = this.#ctx.inProcess(agent);
    if (local?.acceptLease) return local.acceptLease(bytes);
    const endpoint = this.#ctx.registry.get(agent)?.endpoint;
    // A pull-only agent reads its lease from its outbox, or has it as the answer to its heartbeat.
    if (endpoint === undefined) return;
    const url = `${endpoint.replace(/\/$/, '')}/lease`;
    let status: number;
    try {
      ({ status } = await this.#ctx.post(url, bytes, (cancel) => {
        const timer = setTimeout(cancel, this.#ctx.attemptTimeoutMs);
        return () => clearTimeout(timer);
      }));
    } catch (e) {
      throw ovError('ERR_OV_DELIVERY_FAILED', `the lease for ${agent} could not be pushed`, { cause: e });
    }
    if (status !== 204) throw ovError('ERR_OV_DELIVERY_FAILED', `the lease for ${agent} was answered ${status}`);
  }

  /** The highest order issued to the agent: noted as signals are issued, else read once from its outbox. */
  async #orderFor(agent: string): Promise<Order> {
    const known = this.#orders.get(agent);
    if (known !== undefined) return known;
    let highest: Order = [0, 0];
    for (let position = 0; ; ) {
      const page = await this.#ctx.store.outboxAfter(agent, position, PAGE);
      for (const entry of page) {
        if (entry.name !== 'ov-signal') continue;
        const { epoch, seq } = claimsOf(overrideSignal, entry.bytes);
        if (later([epoch, seq], highest)) highest = [epoch, seq];
      }
      if (page.length < PAGE) break;
      position = page.at(-1)!.position;
    }
    this.noteOrder(highest, [agent]);
    return this.#orders.get(agent)!;
  }

  #background(work: Promise<unknown>): void {
    work.catch(this.#ctx.onError);
  }
}
