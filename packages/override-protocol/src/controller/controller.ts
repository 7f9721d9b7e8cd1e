import { bet } from '@safety-net/behavioral-verification';
import { rollbackComplete } from '@safety-net/cascade-prevention';
import {
  type Clock,
  type KeyResolver,
  type PrivateKey,
  type RandomSource,
  randomUuid,
  readClock,
  snError,
  systemClock,
  systemRandom,
} from '@safety-net/core';
import type { Outbox } from '../delivery/outbox.js';
import { systemTimers } from '../delivery/timers.js';
import { ovError } from '../errors.js';
import type { GuardTimers } from '../guard/options.js';
import { type AcknowledgementClaims, acknowledgement } from '../messages/acknowledgement.js';
import { actionDigest, checkActionDigest } from '../messages/action-digest.js';
import type { Order } from '../messages/common.js';
import {
  type ComplianceEvidenceClaims,
  complianceEvidence,
  type Verdict,
  verdictOf,
} from '../messages/compliance-evidence.js';
import { handoff } from '../messages/handoff.js';
import type { HeartbeatClaims } from '../messages/heartbeat.js';
import { type OverrideSignalClaims, overrideSignal } from '../messages/override-signal.js';
import type { Artefacts } from './artefact-checks.js';
import { type SubmittedArtefact, takeArtefact } from './artefacts.js';
import { AttemptDeadlines } from './attempt-deadline.js';
import { complianceChecks, readWork } from './compliance.js';
import { DagRecordingStore } from './dag-recording.js';
import { claimsOf } from './decode.js';
import { escalate } from './escalation.js';
import { type LeaseGrant, LeaseIssuer } from './leases.js';
import { type ControllerOptions, checkControllerOptions } from './options.js';
import { outboxOf } from './outbox.js';
import { fetchPost, nodePost, type Post } from './post.js';
import { type AttemptResult, type InProcessAgent, pushInProcess, pushOverHttp } from './push.js';
import { registrationOf, storedAgentOf } from './registration-record.js';
import { type AgentRegistration, AgentRegistry } from './registry.js';
import { retryDelay } from './retry.js';
import { Semaphore } from './semaphore.js';
import { SIGNAL_DEFAULTS, type SignalRequest } from './signal-request.js';
import type { Delivery, DeliveryState, Pruned, RecordedSignal, StoredSignal } from './store.js';

/** A signal as issued: its bytes, its order and the agents its scope resolved to. */
export interface IssuedSignal {
  readonly jti: string;
  readonly order: Order;
  readonly bytes: Uint8Array;
  readonly agents: readonly string[];
}

/** What compliance verification concluded for one agent (spec §7.7, §11). */
export interface AgentOutcome {
  readonly agent: string;
  readonly verdict: Verdict;
  /** The signed Compliance Evidence. */
  readonly evidence: Uint8Array;
  /** The signed Escalation Records, in step order (none when the agent complied). */
  readonly escalations: readonly Uint8Array[];
}

/** A signal being delivered by this instance. */
interface Tracked {
  readonly stored: StoredSignal;
  readonly claims: OverrideSignalClaims;
  readonly states: Map<string, { position: number; state: DeliveryState; attempts: number; code?: string }>;
  readonly acks: Map<string, AcknowledgementClaims[]>;
  readonly acknowledged: Deferred<Delivery[]>;
  readonly settled: Deferred<AgentOutcome[]>;
  /** Deliveries not yet final: `acknowledged` resolves when none is left, without walking the scope per ack. */
  open: number;
  deadline?: unknown;
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const notHere = (jti: string) => snError('ERR_INPUT_INVALID', `${jti} is neither being delivered here nor settled`);

const FINAL: ReadonlySet<DeliveryState> = new Set(['final', 'failed', 'settled']);

/**
 * The control plane (spec §10): it sequences and signs override signals, resolves their scope to the agents it
 * knows, pushes the same signed bytes to every one of them concurrently, verifies their acknowledgements, resends
 * to the silent ones (§7.6), signs Compliance Evidence after the deadline (§7.7) and escalates against agents that
 * did not comply (§11). Everything it promises is in its store first, so a restarted control plane `resume`s it.
 *
 * @example
 * ```ts
 * const controller = new OverrideController({ ctl, key, signer: operatorKey, store: new MemoryControllerStore() });
 * controller.registerAgent({ id: agent, key: agentPublicKey, endpoint: 'https://agent.example/.well-known/safety-net/override' });
 * const issued = await controller.issue({ iss, role: 'safety_officer', level: 'emergency', ... });
 * await controller.acknowledged(issued.jti); // every agent of the scope answered
 * ```
 */
export class OverrideController {
  readonly #options: ControllerOptions;
  readonly #clock: Clock;
  readonly #random: RandomSource;
  readonly #timers: GuardTimers;
  readonly #post: Post;
  readonly #closePost: (() => void) | undefined;
  readonly #instance: string;
  readonly #skew: number;
  readonly #registry = new AgentRegistry();
  readonly #inProcess = new Map<string, InProcessAgent>();
  readonly #tracked = new Map<string, Tracked>();
  readonly #pushes: Semaphore;
  readonly #deadlines: AttemptDeadlines;
  readonly #sleeping = new Map<unknown, () => void>();
  #leases: LeaseIssuer | undefined;
  #renewal: unknown;
  #closed = false;

  constructor(options: ControllerOptions) {
    checkControllerOptions(options);
    const { dag } = options;
    this.#options = dag
      ? { ...options, store: new DagRecordingStore(options.store, dag, (e) => options.onError?.(e)) }
      : options;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? systemRandom;
    this.#timers = options.timers ?? systemTimers;
    const node = options.fetch === undefined ? nodePost() : undefined;
    this.#post = node?.post ?? fetchPost(options.fetch ?? globalThis.fetch);
    this.#closePost = node?.close;
    this.#instance = options.instance ?? randomUuid(this.#random);
    this.#skew = options.skew ?? 30;
    this.#pushes = new Semaphore(options.concurrency ?? 256);
    this.#deadlines = new AttemptDeadlines(this.#timers, options.attemptTimeoutMs ?? 2000);
  }

  /** The agents' outboxes in the controller's store, as pull delivery reads them (spec §7.2, §7.3). */
  get outbox(): Outbox {
    return outboxOf(this.#options.store);
  }

  /**
   * Adds an agent the control plane can address, or replaces what it knew of it (spec §7.5), and records the
   * registration in the store, so that a restarted control plane knows the agent again at {@link resume}. Resolves
   * once it is stored; a store failure is also reported to `onError`.
   */
  registerAgent(agent: AgentRegistration): Promise<void> {
    this.#registry.register(agent);
    const stored = this.#options.store.addAgent(storedAgentOf(agent));
    stored.catch((e: unknown) => this.#options.onError?.(e));
    return stored;
  }

  /**
   * Delivers to `agent` in process, by calling the guard's `receive` (spec §7.4), instead of over its endpoint.
   * The guard's later acknowledgements (a category 1 stop's `complied`) come back through {@link acknowledge}: pass
   * `onAcknowledgement: (ack) => controller.acknowledge(ack)` when opening it. Returns the function that disconnects.
   */
  connect(agent: string, guard: InProcessAgent): () => void {
    this.#inProcess.set(agent, guard);
    return () => {
      if (this.#inProcess.get(agent) === guard) this.#inProcess.delete(agent);
    };
  }

  /**
   * Issues a signal: takes its order, signs it (claims) or takes it as signed (bytes: a signal several operators
   * signed over a payload whose order {@link prepare} assigned, spec §5.4), records it with its scope resolution
   * and outbox entries in one transaction, then delivers it to every agent of the scope concurrently. Resolves once
   * it is recorded; {@link acknowledged} and {@link settled} follow the deliveries.
   */
  async issue(signal: SignalRequest | Uint8Array, options: { key?: PrivateKey } = {}): Promise<IssuedSignal> {
    const claim = this.#claim();
    let stored: RecordedSignal;
    if (signal instanceof Uint8Array) {
      const claims = this.#checkSigned(signal);
      stored = await this.#options.store.record(
        { ...this.#newSignal(claims, signal), order: [claims.epoch, claims.seq] },
        claim,
      );
    } else {
      const key = options.key ?? this.#options.signer;
      if (key === undefined) throw ovError('ERR_OV_CONFIG_INVALID', 'no key to sign the signal with');
      const base = this.#complete(signal);
      stored = await this.#options.store.issue((order) => {
        const claims: OverrideSignalClaims = { ...base, epoch: order[0], seq: order[1] };
        return this.#newSignal(claims, overrideSignal.sign(claims, key));
      }, claim);
    }
    this.#track(
      stored,
      stored.agents.map((agent) => ({ agent, position: stored.positions.get(agent)!, state: 'pending', attempts: 0 })),
    );
    this.#leases?.noteOrder(stored.order, stored.agents);
    this.#renewClaims();
    return { jti: stored.jti, order: stored.order, bytes: stored.bytes, agents: stored.agents };
  }

  /**
   * The claims of a signal several operators will sign (spec §5.4): the control plane fills in `ctl`, the action
   * digest and defaults, and takes its order now. Each operator signs the result; `issue` takes the assembled bytes.
   */
  async prepare(signal: SignalRequest): Promise<OverrideSignalClaims> {
    const order = await this.#options.store.takeOrder();
    return { ...this.#complete(signal), epoch: order[0], seq: order[1] };
  }

  /**
   * Resolves when every agent of the signal's scope has answered finally (or been refused), with the deliveries;
   * for a signal every agent of which the store records as answered (an instance that restarted and has not
   * resumed it yet) or settled, with its stored deliveries. `ERR_INPUT_INVALID` for a signal this instance neither
   * delivers nor finds answered in the store.
   */
  async acknowledged(jti: string): Promise<Delivery[]> {
    const tracked = this.#tracked.get(jti);
    if (tracked) return tracked.acknowledged.promise;
    const deliveries = await this.#options.store.deliveries(jti);
    if (!deliveries.every((d) => FINAL.has(d.state)) || deliveries.length === 0) throw notHere(jti);
    return deliveries;
  }

  /**
   * Resolves after the deadline with each agent's Compliance Evidence and escalation (spec §7.7, §11), read from the
   * store once settled, so that it answers after a restart too.
   */
  async settled(jti: string): Promise<AgentOutcome[]> {
    const tracked = this.#tracked.get(jti);
    if (tracked) return tracked.settled.promise;
    const evidence = await this.#options.store.records('evidence', { signal: jti });
    if (evidence.length === 0) throw notHere(jti);
    const escalations = await this.#options.store.records('escalation', { signal: jti });
    return evidence.map((e) => ({
      agent: e.agent,
      verdict: claimsOf(complianceEvidence, e.bytes).verdict,
      evidence: e.bytes,
      escalations: escalations.filter((x) => x.agent === e.agent).map((x) => x.bytes),
    }));
  }

  /**
   * Takes an Acknowledgement that came by `POST C/acks` or any other way (spec §7.2): verifies it under the agent's
   * registered key, checks it answers a signal of this control plane with its action, and records it. A replayed
   * acknowledgement (same `jti`) changes nothing and resolves `duplicate: true` (spec §7.6).
   */
  async acknowledge(bytes: Uint8Array): Promise<{ claims: AcknowledgementClaims; duplicate: boolean }> {
    // Decoded and verified once: the registry answers for the issuer the claims name, and the signature binds the two.
    let looked = false;
    const registered: KeyResolver = {
      resolve: ({ issuer }) => {
        looked = true;
        if (issuer === undefined) throw snError('ERR_INPUT_INVALID', 'not an acknowledgement');
        const agent = this.#registry.get(issuer);
        if (agent === undefined) throw snError('ERR_KEY_NOT_FOUND', `no registered agent ${issuer}`);
        return agent.key;
      },
    };
    const result = acknowledgement.verify(bytes, { key: registered, clock: this.#clock });
    if (!result.ok) {
      if (looked) throw result.error;
      throw snError('ERR_INPUT_INVALID', 'not an acknowledgement', { cause: result.error });
    }
    const claims = result.claims;
    const tracked = this.#tracked.get(claims.signal);
    const stored = tracked?.stored ?? (await this.#options.store.signal(claims.signal));
    if (stored === undefined) throw snError('ERR_INPUT_INVALID', `${claims.signal} is no signal of this control plane`);
    const signal = tracked?.claims ?? claimsOf(overrideSignal, stored.bytes);
    if (claims.act_digest !== signal.act_digest) throw ovError('ERR_OV_ACTION_DIGEST', 'the ack names another action');
    // Past `exp` plus the skew nothing can use it, and `prune` may already have removed this signal's acks.
    if (signal.exp < this.#retainedAfter()) throw ovError('ERR_OV_STALE', `${claims.signal} expired before this ack`);
    const added = await this.#options.store.addAck({
      jti: claims.jti,
      signal: claims.signal,
      agent: claims.iss,
      status: claims.status,
      iat: claims.iat,
      bytes,
    });
    if (added && tracked) this.#noteAck(tracked, claims.iss, claims);
    return { claims, duplicate: !added };
  }

  /**
   * Takes a record a compliance check relies on (spec §7.7), from `POST C/records` or any other way: a BET about an
   * agent (verified under the `verifiers.bets` keys), an agent's Hand-off (under its registered key, and matching
   * its takeover), a Rollback Request naming a rollback signal in `pred` or the Rollback Complete of one (under the
   * `verifiers.rollbacks` keys). Stored, it is judged when the evidence of the signals it concerns is signed; the
   * same record again changes nothing.
   */
  async submit(bytes: Uint8Array): Promise<SubmittedArtefact> {
    return takeArtefact(
      {
        store: this.#options.store,
        registry: this.#registry,
        verifiers: this.#options.verifiers ?? {},
        clock: this.#clock,
        skew: this.#skew,
      },
      bytes,
    );
  }

  /**
   * Starts the dead-man's switch of the registered agents (spec §9): a signed Lease for each now and every `ttl` / 3
   * seconds on the injected timers, recorded and delivered as signals are (pushed, or handed to a connected guard),
   * each naming the highest order issued to its agent and the agent's latest heartbeat. When the controller stops
   * (`close`, or a crash), renewals stop and the agents' leases lapse into their safe state.
   */
  startLeases(grant: LeaseGrant): void {
    if (this.#leases !== undefined) throw ovError('ERR_OV_CONFIG_INVALID', 'leases are already granted');
    this.#leases = new LeaseIssuer(
      {
        ctl: this.#options.ctl,
        key: this.#options.key,
        store: this.#options.store,
        registry: this.#registry,
        inProcess: (agent) => this.#inProcess.get(agent),
        post: this.#post,
        clock: this.#clock,
        random: this.#random,
        timers: this.#timers,
        attemptTimeoutMs: this.#options.attemptTimeoutMs ?? 2_000,
        onError: (e) => this.#options.onError?.(e),
      },
      grant,
    );
    this.#leases.start();
  }

  /**
   * Takes an agent's Heartbeat (spec §4.5): verified under its registered key, recorded, and answered with a new
   * lease that names it (also delivered to the agent; a pull-only agent has it as the answer of
   * `POST C/heartbeats`). Needs {@link startLeases}.
   */
  async heartbeat(bytes: Uint8Array): Promise<{ claims: HeartbeatClaims; lease: Uint8Array }> {
    if (this.#leases === undefined) throw ovError('ERR_OV_CONFIG_INVALID', 'no leases granted: call startLeases');
    return this.#leases.heartbeat(bytes);
  }

  /**
   * Retention (spec §10): drops from the store the outbox entries, deliveries and acknowledgements of signals that
   * have settled and expired more than the skew ago — no agent accepts them any longer, so neither a resend nor a
   * replay needs them — keeping each agent's newest outbox entry, the signals' orders and every signed record.
   * Run it periodically; resolves to what was removed.
   */
  prune(): Promise<Pruned> {
    return this.#options.store.prune({ before: this.#retainedAfter() });
  }

  /** The oldest `exp` a signal may have and still matter: the injected clock's time minus the skew (§4.11, §10). */
  #retainedAfter(): number {
    return Math.floor(readClock(this.#clock) / 1000) - this.#skew;
  }

  /**
   * Takes back the agents registered in the store, then claims the deliveries no live instance holds — this one's
   * after a restart, or a dead instance's once its claims expired (spec §10) — and goes on with them: resending,
   * waiting for acknowledgements, signing evidence. Call it at start-up, before {@link startLeases} (and
   * periodically when several instances share a store). Resolves to the number of deliveries taken.
   */
  async resume(): Promise<number> {
    for (const stored of await this.#options.store.agents()) {
      if (this.#registry.get(stored.id) === undefined) this.#registry.register(registrationOf(stored));
    }
    const taken = await this.#options.store.claimDeliveries(this.#claim(), readClock(this.#clock), 100_000);
    const bySignal = new Map<string, Delivery[]>();
    for (const d of taken) bySignal.set(d.signal, [...(bySignal.get(d.signal) ?? []), d]);
    for (const [jti, deliveries] of bySignal) {
      if (this.#tracked.has(jti)) continue;
      const stored = await this.#options.store.signal(jti);
      if (stored === undefined) continue;
      const acks = await this.#options.store.acks(jti);
      this.#track(
        stored,
        deliveries,
        acks.map((a) => claimsOf(acknowledgement, a.bytes)),
      );
    }
    this.#renewClaims();
    return taken.length;
  }

  /** Stops resending and waiting; what is outstanding stays in the store for the next `resume`. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#leases?.stop();
    if (this.#renewal !== undefined) this.#timers.clear(this.#renewal);
    for (const t of this.#tracked.values()) if (t.deadline !== undefined) this.#timers.clear(t.deadline);
    for (const [handle, wake] of this.#sleeping) {
      this.#timers.clear(handle);
      wake();
    }
    this.#sleeping.clear();
    this.#closePost?.();
  }

  // ---- issuing -------------------------------------------------------------------------------------------------

  #complete(request: SignalRequest): Omit<OverrideSignalClaims, 'epoch' | 'seq'> {
    const iat = request.iat ?? this.#now();
    const defaults = SIGNAL_DEFAULTS[request.level];
    return {
      ...request,
      jti: request.jti ?? `ov-sig-${randomUuid(this.#random)}`,
      iat,
      exp: request.exp ?? iat + defaults.lifetime,
      deadline: request.deadline ?? iat + defaults.deadline,
      ctl: this.#options.ctl,
      act_digest: actionDigest(request.action),
    };
  }

  /** A pre-signed signal must be this control plane's and name its own action (its signatures are the agents' to judge). */
  #checkSigned(bytes: Uint8Array): OverrideSignalClaims {
    let claims: OverrideSignalClaims;
    try {
      claims = claimsOf(overrideSignal, bytes);
    } catch (e) {
      throw snError('ERR_INPUT_INVALID', 'not an override signal', { cause: e });
    }
    if (claims.ctl !== this.#options.ctl) throw ovError('ERR_OV_CONFLICT', `the signal is sequenced by ${claims.ctl}`);
    checkActionDigest(claims);
    return claims;
  }

  #newSignal(claims: OverrideSignalClaims, bytes: Uint8Array) {
    return {
      jti: claims.jti,
      bytes,
      level: claims.level,
      deadline: claims.deadline,
      exp: claims.exp,
      agents: this.#registry.resolve(claims.scope),
    };
  }

  #track(
    stored: StoredSignal,
    deliveries: readonly Pick<Delivery, 'agent' | 'position' | 'state' | 'attempts' | 'code'>[],
    acks: readonly AcknowledgementClaims[] = [],
  ): void {
    const tracked: Tracked = {
      stored,
      claims: claimsOf(overrideSignal, stored.bytes),
      states: new Map(
        deliveries.map((d) => [d.agent, { position: d.position, state: d.state, attempts: d.attempts, code: d.code }]),
      ),
      acks: new Map(),
      acknowledged: deferred(),
      settled: deferred(),
      open: deliveries.filter((d) => !FINAL.has(d.state)).length,
    };
    for (const ack of acks) tracked.acks.set(ack.iss, [...(tracked.acks.get(ack.iss) ?? []), ack]);
    this.#tracked.set(stored.jti, tracked);
    this.#checkAcknowledged(tracked);
    const due = (tracked.claims.deadline + this.#skew) * 1000 - readClock(this.#clock);
    tracked.deadline = this.#timers.set(Math.max(0, due), () => {
      tracked.deadline = undefined;
      this.#background(this.#settle(tracked));
    });
    // Fan-out: one loop per agent, all started at once; none waits for another (spec §7.5).
    for (const agent of tracked.states.keys()) this.#background(this.#deliver(tracked, agent));
  }

  // ---- delivering ----------------------------------------------------------------------------------------------

  /** Sends until the agent acknowledges, refuses, or the signal expires (spec §7.6: delivery continues until exp). */
  async #deliver(t: Tracked, agent: string): Promise<void> {
    const { jti, exp, level } = t.stored;
    for (let failures = 0; !this.#closed; failures++) {
      if (t.states.get(agent)!.state !== 'pending' || readClock(this.#clock) >= exp * 1000) return;
      const transport = this.#transport(agent, t.stored.bytes);
      // An agent that only pulls is served from its outbox; its acknowledgements come by POST C/acks.
      if (transport === undefined) return;
      await this.#options.store.updateDelivery(jti, agent, { attempt: true, claim: this.#claim() });
      const before = t.states.get(agent)!;
      t.states.set(agent, { ...before, attempts: before.attempts + 1 });
      const result = await transport();
      if (result.kind === 'ack') {
        const ok = await this.acknowledge(result.bytes).then(
          () => true,
          () => false,
        );
        if (ok) return;
      } else if (result.kind === 'refused') {
        await this.#options.store.updateDelivery(jti, agent, { state: 'failed', code: result.code });
        this.#setState(t, agent, 'failed', result.code);
        return;
      }
      await this.#sleep(retryDelay(level, failures, this.#random));
    }
  }

  #transport(agent: string, bytes: Uint8Array): (() => Promise<AttemptResult>) | undefined {
    const local = this.#inProcess.get(agent);
    if (local) return () => pushInProcess(local, bytes);
    const endpoint = this.#registry.get(agent)?.endpoint;
    if (endpoint === undefined) return undefined;
    const signals = `${endpoint.replace(/\/$/, '')}/signals`;
    return () => this.#pushes.run(() => pushOverHttp(this.#post, signals, bytes, this.#deadlines));
  }

  #noteAck(t: Tracked, agent: string, ack: AcknowledgementClaims): void {
    t.acks.set(agent, [...(t.acks.get(agent) ?? []), ack]);
    if (!t.states.has(agent)) return; // a hop's acknowledgement (spec §7.5): recorded, not delivered to
    this.#setState(t, agent, ack.status === 'received' ? 'received' : 'final');
  }

  #setState(t: Tracked, agent: string, state: DeliveryState, code?: string): void {
    const current = t.states.get(agent)!;
    if (FINAL.has(current.state) || (state === 'received' && current.state === 'received')) return;
    t.states.set(agent, { ...current, state, ...(code ? { code } : {}) });
    if (FINAL.has(state)) t.open--;
    this.#checkAcknowledged(t);
  }

  #checkAcknowledged(t: Tracked): void {
    if (t.open > 0) return;
    t.acknowledged.resolve(
      [...t.states].map(([agent, s]) => ({
        signal: t.stored.jti,
        agent,
        position: s.position,
        state: s.state,
        attempts: s.attempts,
        ...(s.code ? { code: s.code } : {}),
      })),
    );
  }

  // ---- compliance and escalation ---------------------------------------------------------------------------------

  /** After the deadline plus skew: evidence per agent, then escalation where it is due (spec §7.7, §11). */
  async #settle(t: Tracked): Promise<void> {
    const outcomes: AgentOutcome[] = [];
    const workList = await readWork(this.#options.work, this.#options.onError);
    for (const [agent, state] of t.states) {
      if (state.state === 'settled') continue;
      const acks = t.acks.get(agent) ?? [];
      const { checks, relied } = complianceChecks({
        signal: t.claims,
        agent,
        acks,
        ...(state.code ? { refusal: state.code } : {}),
        skew: this.#skew,
        ...(workList ? { work: workList } : {}),
        artefacts: await this.#artefacts(t.claims, agent),
      });
      const claims: ComplianceEvidenceClaims = {
        iss: this.#options.ctl,
        iat: this.#now(),
        jti: `ov-evidence-${randomUuid(this.#random)}`,
        wid: t.claims.wid,
        pred: [t.claims.jti, ...relied],
        signal: t.claims.jti,
        act_digest: t.claims.act_digest,
        agent,
        verdict: verdictOf(checks),
        checks,
      };
      const evidence = complianceEvidence.sign(claims, this.#options.key);
      await this.#options.store.addRecord({
        kind: 'evidence',
        jti: claims.jti,
        agent,
        signal: t.claims.jti,
        iat: claims.iat,
        bytes: evidence,
      });
      const answered = acks.some((a) => a.status !== 'received' && a.iat <= t.claims.deadline + this.#skew);
      const due =
        t.claims.level === 'advisory'
          ? claims.verdict !== 'compliant'
          : claims.verdict === 'non_compliant' || !answered;
      const escalations = due
        ? await escalate(this.#escalation(), t.claims, agent, { jti: claims.jti, bytes: evidence })
        : [];
      await this.#options.store.updateDelivery(t.claims.jti, agent, { state: 'settled' });
      outcomes.push({ agent, verdict: claims.verdict, evidence, escalations });
    }
    t.settled.resolve(outcomes);
    // Settled: nothing more is sent or awaited for it here; a late acknowledgement is still recorded from the store.
    this.#tracked.delete(t.stored.jti);
  }

  /** The stored records the signal's artefact check needs for `agent` (spec §7.7); verified when they were taken. */
  async #artefacts(signal: OverrideSignalClaims, agent: string): Promise<Artefacts> {
    const { store } = this.#options;
    switch (signal.action.name) {
      case 'constrain':
        return { bets: (await store.records('bet', { agent })).map((r) => claimsOf(bet, r.bytes)) };
      case 'takeover': {
        const handoffs = await store.records('handoff', { signal: signal.jti, agent });
        return { handoffs: handoffs.map((r) => claimsOf(handoff, r.bytes)) };
      }
      case 'rollback': {
        const completes = await store.records('rollback-complete', { signal: signal.jti });
        return { rollbacks: completes.map((r) => claimsOf(rollbackComplete, r.bytes)) };
      }
      default:
        return {};
    }
  }

  #escalation() {
    return {
      ctl: this.#options.ctl,
      key: this.#options.key,
      registry: this.#registry,
      store: this.#options.store,
      options: this.#options.escalation ?? {},
      now: () => this.#now(),
      jti: (prefix: string) => `${prefix}-${randomUuid(this.#random)}`,
    };
  }

  // ---- plumbing ------------------------------------------------------------------------------------------------

  /**
   * Renews this instance's claims on the deliveries it still works, every third of a claim's life (spec §10): a long
   * wait for a final acknowledgement or a deadline stays this instance's, and only a dead instance's claims lapse.
   */
  #renewClaims(): void {
    if (this.#renewal !== undefined || this.#closed || this.#tracked.size === 0) return;
    this.#renewal = this.#timers.set(Math.floor((this.#options.claimMs ?? 15_000) / 3), () => {
      this.#background(
        this.#renewNow().finally(() => {
          this.#renewal = undefined;
          this.#renewClaims();
        }),
      );
    });
  }

  async #renewNow(): Promise<void> {
    const claim = this.#claim();
    for (const t of [...this.#tracked.values()]) {
      for (const [agent, { state }] of t.states) {
        if (state !== 'settled') await this.#options.store.updateDelivery(t.stored.jti, agent, { claim });
      }
    }
  }

  #claim() {
    return { instance: this.#instance, untilMs: readClock(this.#clock) + (this.#options.claimMs ?? 15_000) };
  }

  #now(): number {
    return Math.floor(readClock(this.#clock) / 1000);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const handle = this.#timers.set(ms, () => {
        this.#sleeping.delete(handle);
        resolve();
      });
      this.#sleeping.set(handle, resolve);
    });
  }

  #background(work: Promise<void>): void {
    work.catch((e: unknown) => this.#options.onError?.(e));
  }
}
