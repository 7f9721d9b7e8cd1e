import { decodeCbor, decodeSign1, generateKey, publicKeyOf, seededRandom, systemClock } from '@safety-net/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { msUntilLapse } from '../../src/guard/lapse.js';
import { MemoryStateStore } from '../../src/guard/memory-store.js';
import { authorityPolicy, heartbeat, lease } from '../../src/index.js';
import { SAMPLE_CTL, SAMPLE_KEYS, sampleLeaseClaims, samplePolicyClaims } from '../../src/testing.js';
import { codeOf, leaseOf, leaseOptions, manualMonotonic, NOW, openGuard, signal } from './world.js';

const heartbeatOf = (bytes: Uint8Array) => heartbeat.parse(heartbeat.fromCbor(decodeCbor(decodeSign1(bytes).payload!)));
const LAPSE = `lapse:${sampleLeaseClaims.jti}`;
const release = (jti: string, seq: number, lifts: string[]) =>
  signal(
    jti,
    seq,
    'release',
    { iss: 'mailto:olu@example.org', role: 'safety_officer', level: 'mandatory', lifts },
    SAMPLE_KEYS.safetyOfficer,
  );

/** A guard with the dead-man's switch, its wall clock, its monotonic clock and its timers. */
async function leased(initialSafeState?: 'pause' | 'stop') {
  const monotonic = manualMonotonic();
  const world = await openGuard({ lease: { ...leaseOptions(monotonic), initialSafeState } });
  return { ...world, monotonic };
}

describe('the dead-man’s switch (spec §9)', () => {
  it('starts in lapse until the first lease, then runs', async () => {
    const { guard } = await leased();
    expect(guard.mode()).toBe('safe_state');
    expect(await codeOf(guard.run({ name: 'a' }, async () => 1))).toBe('ERR_OV_SAFE_STATE');
    await guard.acceptLease(leaseOf());
    expect(guard.mode()).toBe('running');
    expect(await guard.run({ name: 'a' }, async () => 'ran')).toBe('ran');
  });

  it('an agent configured to start paused refuses with ERR_OV_PAUSED before its first lease', async () => {
    const { guard } = await leased('pause');
    expect(await codeOf(guard.run({ name: 'a' }, async () => 1))).toBe('ERR_OV_PAUSED');
  });

  it('lapses into stop on its local timer at ttl + skew, with no network; a new lease does not lift it', async () => {
    const { guard, timers, monotonic, clock, store } = await leased();
    await guard.acceptLease(leaseOf());
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([32_000]);
    monotonic.advance(31_999);
    clock.advance(31_999);
    expect(guard.mode()).toBe('running');
    monotonic.advance(1);
    clock.advance(1);
    timers.fireAll();
    // The timer created the hold and persisted it; nothing was asked of the guard in between.
    await new Promise((r) => setTimeout(r, 0));
    const stored = await store.load();
    expect(stored.holds.map((h) => [h.jti, h.kind, h.safe_state, h.lapsed_at])).toEqual([
      [LAPSE, 'lapse', 'stop', NOW + 32],
    ]);
    expect(stored.lease?.unreported_lapse).toBe(NOW + 32);
    expect(guard.mode()).toBe('safe_state');
    expect(await codeOf(guard.run({ name: 'a' }, async () => 1))).toBe('ERR_OV_SAFE_STATE');

    // A newer lease renews the lease but does not lift a lapse into stop.
    await guard.acceptLease(leaseOf({ jti: 'ov-lease-0002', iat: NOW + 40 }));
    expect(guard.mode()).toBe('safe_state');
    // Only a release naming the lapse hold does.
    const lifted = await guard.receive(release('rel-1', 50, [LAPSE]));
    expect(lifted.claims.status).toBe('complied');
    expect(guard.mode()).toBe('running');
  });

  it('a resume cannot lift a lapse into stop; a release older than the lease is stale', async () => {
    const { guard, clock, monotonic } = await leased();
    await guard.acceptLease(leaseOf());
    clock.advance(40_000);
    monotonic.advance(40_000);
    expect(guard.mode()).toBe('safe_state');
    expect(await codeOf(guard.receive(signal('r', 50, 'resume', { lifts: [LAPSE] })))).toBe('ERR_OV_LIFT_MISMATCH');
    expect(await codeOf(guard.receive(release('rel-old', 40, [LAPSE])))).toBe('ERR_OV_STALE');
    expect(guard.mode()).toBe('safe_state');
  });

  it('a lapse into pause is lifted by the next lease issued after it; the heartbeat reports lapsed_at', async () => {
    const { guard, clock, monotonic, timers } = await leased();
    const first = leaseOf({ safe_state: 'pause' });
    await guard.acceptLease(first);
    clock.advance(33_000);
    monotonic.advance(33_000);
    timers.fireAll();
    expect(guard.mode()).toBe('paused');
    expect(await codeOf(guard.run({ name: 'a' }, async () => 1))).toBe('ERR_OV_PAUSED');
    const beat = heartbeatOf(guard.heartbeat());
    expect(beat).toMatchObject({ lapsed_at: NOW + 32, ctl: SAMPLE_CTL, pred: [sampleLeaseClaims.jti] });
    expect(beat.state.mode).toBe('paused');
    // A lease answering that heartbeat lifts the pause and tells the guard the lapse is known.
    await guard.acceptLease(leaseOf({ jti: 'ov-lease-0002', iat: NOW + 33, pred: [beat.jti], safe_state: 'pause' }));
    expect(guard.mode()).toBe('running');
    expect(heartbeatOf(guard.heartbeat()).lapsed_at).toBeUndefined();
  });

  it('keeps reporting lapsed_at until a lease answers a heartbeat that carried it', async () => {
    const { guard, clock, monotonic } = await leased();
    await guard.acceptLease(leaseOf({ safe_state: 'pause' }));
    clock.advance(33_000);
    monotonic.advance(33_000);
    expect(heartbeatOf(guard.heartbeat()).lapsed_at).toBe(NOW + 32);
    // A lease that crossed the heartbeat in flight does not answer it.
    await guard.acceptLease(leaseOf({ jti: 'ov-lease-0002', iat: NOW + 33, pred: ['ov-hb-other'] }));
    expect(heartbeatOf(guard.heartbeat()).lapsed_at).toBe(NOW + 32);
  });

  it('fires on the monotonic clock when the wall clock is set back', async () => {
    const { guard, clock, monotonic, timers } = await leased();
    await guard.acceptLease(leaseOf());
    clock.set((NOW - 3600) * 1000);
    monotonic.advance(32_000);
    timers.fireAll();
    expect(guard.mode()).toBe('safe_state');
  });

  it('lapses at once when the wall clock jumps past exp + skew, whatever the monotonic clock says', async () => {
    const { guard, clock } = await leased();
    await guard.acceptLease(leaseOf());
    clock.advance(32_000);
    expect(guard.mode()).toBe('safe_state');
    expect((await guard.acceptLease(leaseOf({ jti: 'ov-lease-0002', iat: NOW + 31 }))) ?? 'ok').toBe('ok');
    expect(guard.mode()).toBe('safe_state');
  });

  it('a category 1 lapse lets the running step finish and refuses new work', async () => {
    const { guard, clock, monotonic } = await leased();
    await guard.acceptLease(leaseOf());
    let finish!: (v: string) => void;
    const running = guard.run({ name: 'a' }, () => new Promise<string>((r) => (finish = r)));
    clock.advance(33_000);
    monotonic.advance(33_000);
    expect(await codeOf(guard.run({ name: 'b' }, async () => 1))).toBe('ERR_OV_SAFE_STATE');
    finish('finished');
    expect(await running).toBe('finished');
  });
});

describe('deliver', () => {
  it('tells a lease, a signal and a decision apart by typ, and refuses what a control plane does not send', async () => {
    const { guard } = await leased();
    expect(await guard.deliver(leaseOf())).toBeUndefined();
    expect(guard.mode()).toBe('running');
    const answer = await guard.deliver(signal('p1', 50, 'pause'));
    expect(answer?.claims.status).toBe('complied');
    expect(guard.mode()).toBe('paused');
    expect(await codeOf(guard.deliver(guard.heartbeat()))).toBe('ERR_INPUT_INVALID');
    expect(await codeOf(guard.deliver(new Uint8Array([1, 2, 3])))).toBe('ERR_INPUT_INVALID');
  });
});

describe('leases the guard refuses', () => {
  it('an older lease is stale, the same one a no-op', async () => {
    const { guard } = await leased();
    await guard.acceptLease(leaseOf({ jti: 'ov-lease-0002', iat: NOW }));
    await guard.acceptLease(leaseOf({ jti: 'ov-lease-0002', iat: NOW }));
    expect(await codeOf(guard.acceptLease(leaseOf({ jti: 'ov-lease-0001', iat: NOW - 10 })))).toBe('ERR_OV_STALE');
  });

  it('a lease from a key that is not the control plane’s, or expired, does not verify', async () => {
    const { guard } = await leased();
    const stranger = generateKey('P-256', seededRandom('stranger'));
    const forged = lease.sign({ ...sampleLeaseClaims }, stranger);
    expect(await codeOf(guard.acceptLease(forged))).toMatch(/^ERR_(KEY|COSE)_/);
    expect(await codeOf(guard.acceptLease(leaseOf({ iat: NOW - 120 })))).toBe('ERR_CLAIMS_EXPIRED');
    expect(guard.mode()).toBe('safe_state');
  });

  it('a lease for another agent or from another control plane is out of scope', async () => {
    const { guard } = await leased();
    expect(await codeOf(guard.acceptLease(leaseOf({ sub: 'spiffe://example.org/agent/other' })))).toBe(
      'ERR_OV_OUT_OF_SCOPE',
    );
    expect(await codeOf(guard.acceptLease(leaseOf({ iss: 'spiffe://example.org/other-ctl' })))).toBe(
      'ERR_OV_OUT_OF_SCOPE',
    );
  });

  it('a guard without the lease option takes no lease; bad lease options are refused', async () => {
    const { guard } = await openGuard();
    expect(await codeOf(guard.acceptLease(leaseOf()))).toBe('ERR_OV_CONFIG_INVALID');
    expect(guard.mode()).toBe('running');
    expect(await codeOf(openGuard({ lease: { ...leaseOptions(), lapseSkew: 31 } }))).toBe('ERR_OV_CONFIG_INVALID');
  });
});

describe('lapse time (property)', () => {
  it('is the earlier of the wall and monotonic deadlines, never later than receipt + ttl + skew', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 3600 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: -86_400_000, max: 86_400_000 }),
        fc.integer({ min: 0, max: 4_000_000 }),
        (ttl, skew, wallJump, elapsed) => {
          const iat = NOW;
          const receipt = { wall: iat * 1000, mono: 5_000 };
          const now = { wall: receipt.wall + elapsed + wallJump, mono: receipt.mono + elapsed };
          const left = msUntilLapse({ exp: iat + ttl, ttl }, receipt, now, skew);
          // However the wall clock jumped, the monotonic deadline bounds the lapse.
          expect(left).toBeLessThanOrEqual((ttl + skew) * 1000 - elapsed);
          // Without a jump the two agree.
          expect(msUntilLapse({ exp: iat + ttl, ttl }, receipt, { ...now, wall: receipt.wall + elapsed }, skew)).toBe(
            (ttl + skew) * 1000 - elapsed,
          );
          // A wall clock set forward past exp + skew lapses the lease at once.
          if (now.wall >= (iat + ttl + skew) * 1000) expect(left).toBeLessThanOrEqual(0);
        },
      ),
    );
  });
});

describe('the control plane goes away (real clocks and timers)', () => {
  it('the switch fires within ttl + lapse skew of the last renewal, with nothing but local timers', async () => {
    const store = new MemoryStateStore();
    const iat = Math.floor(Date.now() / 1000);
    const { guard } = await openGuard({
      store,
      policy: authorityPolicy.sign({ ...samplePolicyClaims, iat: iat - 60, exp: iat + 86_400 }, SAMPLE_KEYS.authority),
      clock: systemClock,
      timers: undefined,
      lease: { ctl: SAMPLE_CTL, key: publicKeyOf(SAMPLE_KEYS.ctl), lapseSkew: 1 },
    });
    const renewed = performance.now();
    await guard.acceptLease(leaseOf({ iat, ttl: 5 }));
    // Watch the store, not the guard: reading the mode would itself create the hold.
    let elapsed = 0;
    while ((await store.load()).holds.length === 0) {
      await new Promise((r) => setTimeout(r, 10));
      elapsed = performance.now() - renewed;
      if (elapsed > 10_000) break;
    }
    expect(elapsed).toBeLessThanOrEqual(6_000 + 100);
    // The wall deadline is exp + skew from a whole-second iat, so it may come up to a second early.
    expect(elapsed).toBeGreaterThanOrEqual(4_900);
    expect(guard.mode()).toBe('safe_state');
    await guard.close();
  }, 20_000);
});
