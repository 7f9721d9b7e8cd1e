import { circuitAnnouncement } from '@safety-net/cascade-prevention';
import { coseKeyThumbprint, type PrivateKey, type PublicKey, toBase64Url } from '@safety-net/core';
import { ovError } from '../errors.js';
import type { Level } from '../messages/common.js';
import { type EscalationRecordClaims, type EscalationStep, escalationRecord } from '../messages/escalation-record.js';
import { keyRevocation } from '../messages/key-revocation.js';
import type { OverrideSignalClaims } from '../messages/override-signal.js';
import type { AgentRegistry } from './registry.js';
import type { ControllerStore } from './store.js';

/** Where an escalation step hands its record on: awaited, so it may be slow; a throw fails the step (spec §11). */
export type EscalationSink<A extends unknown[]> = (...args: A) => Promise<void> | void;

/** What escalation tells the people who must know (the `notify` step). */
export interface EscalationNotice {
  readonly signal: OverrideSignalClaims;
  readonly agent: string;
  /** The Compliance Evidence that led to it. */
  readonly evidence: Uint8Array;
  /** Whom to tell: the signal's issuer. */
  readonly recipients: readonly string[];
}

/** The escalation steps a control plane runs and the sinks that carry them out (spec §11). */
export interface EscalationOptions {
  /** The steps per level, in order. Defaults: the table of spec §11. */
  readonly steps?: Partial<Record<Level, readonly EscalationStep[]>>;
  readonly notify?: EscalationSink<[notice: EscalationNotice]>;
  /** Sends a Circuit State Announcement (`forced_open`) to one peer. */
  readonly announce?: EscalationSink<[peer: string, announcement: Uint8Array]>;
  /** The key resolvers' sinks a Key Revocation is handed to, e.g. a peer's `Revocations` behind `revokingResolver`. */
  readonly revoke?: readonly EscalationSink<[revocation: Uint8Array]>[];
  /** Sends the `domain_isolated` Escalation Record to one peer hosting the domain. */
  readonly isolate?: EscalationSink<[peer: string, record: Uint8Array]>;
}

/** Spec §11's defaults. An Advisory signal whose evidence is not compliant leads to `notify` only. */
export const DEFAULT_ESCALATION: Readonly<Record<Level, readonly EscalationStep[]>> = {
  advisory: ['notify'],
  mandatory: ['notify', 'breaker_open'],
  emergency: ['notify', 'breaker_open', 'key_revoked', 'domain_isolated'],
};

/** Lifetime of an escalation's breaker announcement: peers hold the breaker open, the announcement ages out. */
const ANNOUNCEMENT_SECONDS = 300;

/** What the escalator signs with and where it keeps what it signed. */
export interface EscalationContext {
  readonly ctl: string;
  readonly key: PrivateKey;
  readonly registry: AgentRegistry;
  readonly store: ControllerStore;
  readonly options: EscalationOptions;
  readonly now: () => number;
  readonly jti: (prefix: string) => string;
}

/** One step's outcome: its artefacts (for `pred`) and the peers it went to. */
interface StepOutcome {
  readonly artefacts: readonly string[];
  readonly targets?: readonly string[];
  readonly domain?: string;
}

/**
 * Runs the escalation steps for one agent that did not comply (spec §11), in order, each recorded by a signed
 * Escalation Record (`pred`: the evidence, then the step's artefacts). A step that fails is recorded `failed`
 * with `ERR_OV_ESCALATION_FAILED`, and the next steps still run. Resolves to the records' bytes.
 */
export async function escalate(
  ctx: EscalationContext,
  signal: OverrideSignalClaims,
  agent: string,
  evidence: { jti: string; bytes: Uint8Array },
): Promise<Uint8Array[]> {
  const steps = ctx.options.steps?.[signal.level] ?? DEFAULT_ESCALATION[signal.level];
  const records: Uint8Array[] = [];
  for (const step of steps) {
    const domains = step === 'domain_isolated' ? (ctx.registry.get(agent)?.domains ?? []) : [undefined];
    // Isolation is asked per failure domain of the agent: one record each.
    for (const domain of domains.length === 0 ? [undefined] : domains) {
      const record = (outcome: StepOutcome | undefined) =>
        signRecord(ctx, signal, agent, step, evidence.jti, outcome, domain);
      let signed: { jti: string; iat: number; bytes: Uint8Array };
      try {
        const outcome = await runStep(ctx, step, signal, agent, evidence, domain);
        signed = record(outcome);
        // The record of domain_isolated is itself the request: the step is done once every peer has it.
        if (step === 'domain_isolated') await sendIsolation(ctx, outcome.targets ?? [], signed.bytes);
      } catch {
        signed = record(undefined);
      }
      await ctx.store.addRecord({ kind: 'escalation', agent, signal: signal.jti, ...signed });
      records.push(signed.bytes);
    }
  }
  return records;
}

/** Signs the Escalation Record of a step: `done` with its outcome, or `failed` when there is none. */
function signRecord(
  ctx: EscalationContext,
  signal: OverrideSignalClaims,
  agent: string,
  step: EscalationStep,
  evidence: string,
  outcome: StepOutcome | undefined,
  domain: string | undefined,
): { jti: string; iat: number; bytes: Uint8Array } {
  const claims: EscalationRecordClaims = {
    iss: ctx.ctl,
    iat: ctx.now(),
    jti: ctx.jti('ov-escalation'),
    wid: signal.wid,
    pred: [evidence, ...(outcome?.artefacts ?? [])],
    signal: signal.jti,
    agent,
    step,
    outcome: outcome ? 'done' : 'failed',
    ...(outcome ? {} : { code: 'ERR_OV_ESCALATION_FAILED' }),
    ...(outcome?.targets ? { targets: [...outcome.targets] } : {}),
    ...(domain === undefined ? {} : { domain }),
  };
  return { jti: claims.jti, iat: claims.iat, bytes: escalationRecord.sign(claims, ctx.key) };
}

const unavailable = (what: string) => ovError('ERR_OV_ESCALATION_FAILED', `${what} is not configured`);

async function runStep(
  ctx: EscalationContext,
  step: EscalationStep,
  signal: OverrideSignalClaims,
  agent: string,
  evidence: { jti: string; bytes: Uint8Array },
  domain: string | undefined,
): Promise<StepOutcome> {
  const { options } = ctx;
  const registration = ctx.registry.get(agent);
  switch (step) {
    case 'notify': {
      if (!options.notify) throw unavailable('notify');
      await options.notify({ signal, agent, evidence: evidence.bytes, recipients: [signal.iss] });
      return { artefacts: [], targets: [signal.iss] };
    }
    case 'breaker_open': {
      if (!options.announce) throw unavailable('announce');
      const peers = registration?.peers ?? [];
      const artefacts: string[] = [];
      const sent = await Promise.allSettled(
        peers.map(async (peer) => {
          const jti = ctx.jti('cp-circuit');
          artefacts.push(jti);
          const bytes = announcement(ctx, signal, agent, peer, jti, evidence.jti);
          await ctx.store.addRecord({ kind: 'announcement', jti, agent, signal: signal.jti, iat: ctx.now(), bytes });
          await options.announce!(peer, bytes);
        }),
      );
      if (sent.some((s) => s.status === 'rejected')) throw new Error('a peer was not reached');
      return { artefacts, targets: peers };
    }
    case 'key_revoked': {
      const sinks = options.revoke ?? [];
      if (sinks.length === 0 || registration === undefined) throw unavailable('revoke');
      const jti = ctx.jti('ov-revocation');
      const iat = ctx.now();
      const bytes = keyRevocation.sign(
        {
          iss: ctx.ctl,
          iat,
          jti,
          wid: signal.wid,
          pred: [evidence.jti],
          subject: agent,
          kid: kidOf(registration.key),
          revoked_at: signal.deadline,
          reason: `did not comply with ${signal.jti}`.slice(0, 1024),
        },
        ctx.key,
      );
      await ctx.store.addRecord({ kind: 'revocation', jti, agent, signal: signal.jti, iat, bytes });
      const sent = await Promise.allSettled(sinks.map(async (sink) => sink(bytes)));
      if (sent.some((s) => s.status === 'rejected')) throw new Error('a resolver sink failed');
      return { artefacts: [jti] };
    }
    case 'domain_isolated': {
      if (!options.isolate || domain === undefined) throw unavailable('isolate');
      return { artefacts: [], targets: ctx.registry.inDomain(domain).filter((id) => id !== agent), domain };
    }
  }
}

/** Sends the `domain_isolated` record to every peer of the domain; any one unreached fails the step. */
async function sendIsolation(ctx: EscalationContext, peers: readonly string[], record: Uint8Array): Promise<void> {
  const sent = await Promise.allSettled(peers.map(async (peer) => ctx.options.isolate!(peer, record)));
  if (sent.some((s) => s.status === 'rejected')) throw new Error('a peer was not reached');
}

/** A `forced_open` Circuit State Announcement by the control plane for the agent, to one peer (spec §11). */
function announcement(
  ctx: EscalationContext,
  signal: OverrideSignalClaims,
  agent: string,
  peer: string,
  jti: string,
  evidence: string,
): Uint8Array {
  const iat = ctx.now();
  return circuitAnnouncement.sign(
    {
      iss: ctx.ctl,
      aud: peer,
      iat,
      exp: iat + ANNOUNCEMENT_SECONDS,
      jti,
      wid: signal.wid,
      pred: [evidence],
      breaker: 'override-escalation',
      dependency: agent,
      state: 'forced_open',
      reason: { kind: 'operator', detail: `compliance evidence ${evidence}`.slice(0, 1024) },
      since: iat,
      seq: signal.seq,
      retry_after: iat + ANNOUNCEMENT_SECONDS,
    },
    ctx.key,
  );
}

/** The kid revocations name a key by: its own kid, else its RFC 9679 thumbprint (spec §4.9). */
export function kidOf(key: PublicKey): string {
  return toBase64Url(key.kid ?? coseKeyThumbprint(key));
}
