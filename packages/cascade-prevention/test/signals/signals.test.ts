import { fixedClock, generateKey, keySet, publicKeyOf, seededRandom, utf8 } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type Transition } from '../../src/breaker/index.js';
import { circuitAnnouncement, failureSignal } from '../../src/messages/index.js';
import { announcementOf, receiveAnnouncement, receiveFailureSignal, tripOnEvidence } from '../../src/signals/index.js';

const NOW = 1_772_323_200;
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
  return new CircuitBreaker({ id: `calls-to-${dependency.slice(-9)}`, dependency, window: { kind: 'count', size: 4 }, minimumCalls: 4, openDurationMs: 30_000, clock, random: () => 0.5 });
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
    expect(claims).toMatchObject({ state: 'open', reason: { kind: 'failure_rate', rate: 1, threshold: 0.5 }, seq: opened!.seq });
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
      receiveAnnouncement(breakerFor(INVENTORY), circuitAnnouncement.sign(claims, strangerKey), { key: trusted, clock }),
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
      { iss: INVENTORY, iat: NOW, exp: NOW + 600, jti: 'fs-1', wid: 'wf-1', pred: [], status: 'unavailable', since: NOW, until: NOW + 120, reason: 'failover' },
      inventoryKey,
    );
    expect(receiveFailureSignal([toInventory, toPayment], bytes, { key: trusted, clock })).toEqual({ ok: true, changed: true });
    expect([toInventory.state, toPayment.state]).toEqual(['open', 'closed']);
    expect(toInventory.snapshot().retryAfterMs).toBe((NOW + 120) * 1000);
    const forged = receiveFailureSignal([toPayment], failureSignal.sign({ ...failureSignal.parse(decodeClaims(bytes)), iss: 'spiffe://example.org/agent/payment' }, inventoryKey), { key: trusted, clock });
    expect(!forged.ok && forged.error.code).toBe('ERR_KEY_UNTRUSTED');
  });
});

describe('behavioural evidence', () => {
  const bet = { jti: 'bet-1', sub: INVENTORY, verdict: 'violation' as const, violations: [{ rule: 'stock-cap', class: 'parameter_out_of_range' as const, jti: 't', observed: 1, allowed: 0 }] };
  it('a violation verdict about the dependency trips its breaker with reason evidence', () => {
    const breaker = breakerFor(INVENTORY);
    const seen: Transition[] = [];
    breaker.onTransition((t) => seen.push(t));
    expect(tripOnEvidence(breaker, bet)).toBe(true);
    expect(seen[0]?.reason).toEqual({ kind: 'evidence', detail: 'BET bet-1: violation (stock-cap)' });
  });

  it('leaves the breaker alone for other verdicts and other agents', () => {
    const breaker = breakerFor(INVENTORY);
    expect(tripOnEvidence(breaker, { ...bet, verdict: 'compliant', violations: [] })).toBe(false);
    expect(tripOnEvidence(breaker, { ...bet, sub: 'spiffe://example.org/agent/other' })).toBe(false);
    expect(tripOnEvidence(breaker, { ...bet, verdict: 'drift', violations: [] }, ['violation', 'drift'])).toBe(true);
  });
});

function decodeClaims(bytes: Uint8Array): unknown {
  const r = failureSignal.verify(bytes, { key: trusted, clock: fixedClock(NOW * 1000) });
  if (!r.ok) throw r.error;
  return r.claims;
}
