import { type AppraisalPolicy, appraiseBet, type IssueBetOptions, issueBet } from '@safety-net/behavioral-verification';
import { ectHash, fixedClock, generateKey, keySet, publicKeyOf, seededRandom, utf8 } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NOW } from '../../../../test-support/time.js';
import { CircuitBreaker, type Transition } from '../../src/breaker/index.js';
import { circuitAnnouncement, failureSignal } from '../../src/messages/index.js';
import { announcementOf, receiveAnnouncement, receiveFailureSignal, tripOnEvidence } from '../../src/signals/index.js';

const INVENTORY = 'spiffe://example.org/agent/inventory';
const SHIPPING_HOST = 'spiffe://example.org/agent/shipping';
const hostKey = { ...generateKey('Ed25519', seededRandom('signals-host')), kid: utf8('shipping') };
const inventoryKey = { ...generateKey('Ed25519', seededRandom('signals-inventory')), kid: utf8('inventory') };
const strangerKey = { ...generateKey('Ed25519', seededRandom('signals-stranger')), kid: utf8('shipping') };
const trusted = keySet([
  { key: publicKeyOf(hostKey), issuers: [SHIPPING_HOST] },
  { key: publicKeyOf(inventoryKey), issuers: [INVENTORY] },
]);

function breakerFor(dependency: string, clock = fixedClock(NOW * 1000)) {
  return new CircuitBreaker({
    id: `calls-to-${dependency.slice(-9)}`,
    dependency,
    window: { kind: 'count', size: 4 },
    minimumCalls: 4,
    openDurationMs: 30_000,
    clock,
    random: () => 0.5,
  });
}

/** The transitions of a remote breaker that fails four calls in a row. */
async function remoteTrip(): Promise<Transition[]> {
  const remote = breakerFor(INVENTORY);
  const seen: Transition[] = [];
  remote.onTransition((t) => seen.push(t));
  for (let i = 0; i < 4; i++) await remote.execute(async () => Promise.reject(new Error('down'))).catch(() => {});
  return seen;
}

describe('circuit state announcements', () => {
  it('a transition becomes a valid signed announcement that opens a peer’s breaker for the same dependency', async () => {
    const [opened] = await remoteTrip();
    expect(opened?.to).toBe('open');
    const claims = announcementOf(opened!, { iss: SHIPPING_HOST, jti: 'ann-1', wid: 'wf-1' });
    expect(claims).toMatchObject({
      state: 'open',
      reason: { kind: 'failure_rate', rate: 1, threshold: 0.5 },
      seq: opened!.seq,
    });
    const bytes = circuitAnnouncement.sign(claims, hostKey);
    const local = breakerFor(INVENTORY);
    const result = receiveAnnouncement(local, bytes, { key: trusted, clock: fixedClock(NOW * 1000) });
    expect(result).toEqual({ ok: true, changed: true });
    expect(local.state).toBe('open');
    await expect(local.execute(async () => 1)).rejects.toMatchObject({ code: 'ERR_CP_CIRCUIT_OPEN' });
    // The same announcement again is stale.
    const again = receiveAnnouncement(local, bytes, { key: trusted, clock: fixedClock(NOW * 1000) });
    expect(!again.ok && again.error.code).toBe('ERR_CP_ANNOUNCEMENT_STALE');
  });

  it('refuses an announcement from an untrusted key, about another dependency, or garbage, without touching the breaker', async () => {
    const [opened] = await remoteTrip();
    const claims = announcementOf(opened!, { iss: SHIPPING_HOST, jti: 'ann-2', wid: 'wf-1' });
    const clock = fixedClock(NOW * 1000);
    const local = breakerFor('spiffe://example.org/agent/payment');
    const codes = [
      receiveAnnouncement(breakerFor(INVENTORY), circuitAnnouncement.sign(claims, strangerKey), {
        key: trusted,
        clock,
      }),
      receiveAnnouncement(local, circuitAnnouncement.sign(claims, hostKey), { key: trusted, clock }),
    ].map((r) => !r.ok && r.error.code);
    expect(codes).toEqual(['ERR_COSE_BAD_SIGNATURE', 'ERR_CLAIMS_INVALID']);
    expect(local.state).toBe('closed');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const r = receiveAnnouncement(local, bytes, { key: trusted, clock });
        expect(r.ok).toBe(false);
      }),
      { numRuns: 200 },
    );
    expect(local.state).toBe('closed');
  });
});

describe('failure signals', () => {
  it('an agent that says it is unavailable is not called until it said it would be back', () => {
    const clock = fixedClock(NOW * 1000);
    const toInventory = breakerFor(INVENTORY, clock);
    const toPayment = breakerFor('spiffe://example.org/agent/payment', clock);
    const bytes = failureSignal.sign(
      {
        iss: INVENTORY,
        iat: NOW,
        exp: NOW + 600,
        jti: 'fs-1',
        wid: 'wf-1',
        pred: [],
        status: 'unavailable',
        since: NOW,
        until: NOW + 120,
        reason: 'failover',
      },
      inventoryKey,
    );
    expect(receiveFailureSignal([toInventory, toPayment], bytes, { key: trusted, clock })).toEqual({
      ok: true,
      changed: true,
    });
    expect([toInventory.state, toPayment.state]).toEqual(['open', 'closed']);
    expect(toInventory.snapshot().retryAfterMs).toBe((NOW + 120) * 1000);
    const forged = receiveFailureSignal(
      [toPayment],
      failureSignal.sign(
        { ...failureSignal.parse(decodeClaims(bytes)), iss: 'spiffe://example.org/agent/payment' },
        inventoryKey,
      ),
      { key: trusted, clock },
    );
    expect(!forged.ok && forged.error.code).toBe('ERR_KEY_UNTRUSTED');
  });

  it('applies a signal once per breaker: its replay is stale and leaves breakers that probed closed alone', async () => {
    const clock = fixedClock(NOW * 1000);
    const verify = { key: trusted, clock };
    const sign = (jti: string, iat = NOW) =>
      failureSignal.sign(
        {
          iss: INVENTORY,
          iat,
          exp: iat + 600,
          jti,
          wid: 'wf-1',
          pred: [],
          status: 'unavailable',
          since: iat,
          reason: 'maintenance',
        },
        inventoryKey,
      );
    const [a, b] = [breakerFor(INVENTORY, clock), breakerFor(INVENTORY, clock)];
    const bytes = sign('fs-1');
    expect(receiveFailureSignal([a, b], bytes, verify)).toEqual({ ok: true, changed: true });
    expect([a.state, b.state]).toEqual(['open', 'open']);
    clock.advance(120_000);
    for (const x of [a, b]) while (x.state !== 'closed') await x.execute(async () => 1);
    const replay = receiveFailureSignal([a, b], bytes, verify);
    expect(!replay.ok && replay.error.code).toBe('ERR_CP_ANNOUNCEMENT_STALE');
    expect([a.state, b.state]).toEqual(['closed', 'closed']);
    // A breaker that never saw the signal still takes it: the others' refusals do not keep it from it.
    const c = breakerFor(INVENTORY, clock);
    expect(receiveFailureSignal([a, c, b], bytes, verify)).toEqual({ ok: true, changed: true });
    expect([a.state, c.state, b.state]).toEqual(['closed', 'open', 'closed']);
    expect(receiveFailureSignal([a, b], sign('fs-2', NOW + 120), verify)).toEqual({ ok: true, changed: true });
    expect([a.state, b.state]).toEqual(['open', 'open']);
  });
});

describe('behavioural evidence', () => {
  const MONITOR = 'spiffe://example.org/monitor';
  const PAYMENT = 'spiffe://example.org/agent/payment';
  const PROFILE = ectHash('inventory profile v1');
  const monitorKey = { ...generateKey('Ed25519', seededRandom('signals-monitor')), kid: utf8('monitor') };
  const stockCap = { rule: 'stock-cap', class: 'parameter_out_of_range', jti: 't', observed: 1, allowed: 0 } as const;
  const issue = (over: Partial<IssueBetOptions> = {}) =>
    issueBet({
      verifierKey: monitorKey,
      verifier: MONITOR,
      agent: INVENTORY,
      profile: PROFILE,
      observations: [utf8('obs-1')],
      violations: [stockCap],
      window: { from: NOW - 60, to: NOW },
      wid: 'wf-1',
      clock: fixedClock(NOW * 1000),
      random: seededRandom('signals-bet'),
      ...over,
    });
  const appraise = (bytes: Uint8Array, over: Partial<AppraisalPolicy> = {}) =>
    appraiseBet(bytes, {
      verifiers: keySet([{ key: publicKeyOf(monitorKey), issuers: [MONITOR] }]),
      profile: PROFILE,
      agent: INVENTORY,
      clock: fixedClock(NOW * 1000),
      ...over,
    });

  it('a fresh violation about the dependency, judged against its profile, trips its breaker with reason evidence', () => {
    const { bytes, claims } = issue();
    const gate = appraise(bytes);
    expect(gate.reasons.map((r) => r.code)).toEqual(['ERR_BV_VERDICT_REFUSED']);
    const breaker = breakerFor(INVENTORY);
    const seen: Transition[] = [];
    breaker.onTransition((t) => seen.push(t));
    expect(tripOnEvidence(breaker, gate)).toBe(true);
    expect(seen[0]?.reason).toEqual({ kind: 'evidence', detail: `BET ${claims.jti}: violation (stock-cap)` });
  });

  it('does not trip on a violation the appraisal refused as stale, for another profile or about another agent', () => {
    const refused = [
      appraise(issue({ lifetimeSeconds: 3600 }).bytes, { clock: fixedClock((NOW + 400) * 1000) }),
      appraise(issue({ profile: ectHash('another profile') }).bytes),
      // Appraised for payment, the BET is about inventory: it still hands back inventory's claims.
      appraise(issue().bytes, { agent: PAYMENT }),
      appraise(new Uint8Array([1, 2, 3])),
    ];
    expect(refused.map((g) => g.reasons.map((r) => r.code).filter((c) => c !== 'ERR_BV_VERDICT_REFUSED'))).toEqual([
      ['ERR_BV_EVIDENCE_STALE'],
      ['ERR_BV_PROFILE_MISMATCH'],
      ['ERR_BV_SUBJECT_MISMATCH'],
      [expect.stringMatching(/^ERR_/)],
    ]);
    const breaker = breakerFor(INVENTORY);
    for (const gate of refused) expect(tripOnEvidence(breaker, gate)).toBe(false);
    expect(breaker.state).toBe('closed');
    expect(tripOnEvidence(breaker, appraise(issue().bytes))).toBe(true);
  });

  it('leaves the breaker alone for other verdicts and other agents', () => {
    const breaker = breakerFor(INVENTORY);
    expect(tripOnEvidence(breaker, appraise(issue({ violations: [] }).bytes))).toBe(false);
    expect(tripOnEvidence(breakerFor(PAYMENT), appraise(issue().bytes))).toBe(false);
    const drift = appraise(issue({ violations: [{ ...stockCap, class: 'drift' }] }).bytes);
    expect(tripOnEvidence(breaker, drift)).toBe(false);
    expect(tripOnEvidence(breaker, drift, ['violation', 'drift'])).toBe(true);
  });
});

function decodeClaims(bytes: Uint8Array): unknown {
  const r = failureSignal.verify(bytes, { key: trusted, clock: fixedClock(NOW * 1000) });
  if (!r.ok) throw r.error;
  return r.claims;
}
