import { createHash } from 'node:crypto';
import { behavioralProfile, isActionRefused } from '@safety-net/behavioral-verification';
import { decodeCbor, decodeSign1, fixedClock, fromBase64Url, publicKeyOf, toBase64Url } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import { acknowledgement, monitorConstraint } from '../../src/index.js';
import { SAMPLE_AGENT, SAMPLE_KEYS, sampleKey } from '../../src/testing.js';
import { codeOf, NOW, openGuard, release, signal } from './world.js';

const operatorKey = sampleKey('ward-3-operator', 'P-256');

/** A signed Behavioral Profile for the sample agent: pharmacy actions only, at most `cap` units a dispense. */
function profile(sub = SAMPLE_AGENT, key = operatorKey, cap = 1000): string {
  const claims = behavioralProfile.parse({
    iss: 'spiffe://example.org/ward-3-operator',
    sub,
    iat: NOW - 3600,
    exp: NOW + 86_400,
    pid: 'ward-3-safe',
    ver: 1,
    rules: {
      actions: { unlisted: 'deny', rules: [{ id: 'pharmacy', effect: 'allow', pattern: 'pharmacy.*' }] },
      parameters: [{ id: 'units-cap', action: 'pharmacy.dispense', param: 'units', check: 'range', max: String(cap) }],
    },
  });
  return toBase64Url(behavioralProfile.sign(claims, key));
}
const constrain = (jti: string, seq: number, text: string) =>
  signal(jti, seq, 'constrain', { action: { name: 'constrain', params: { profile: text } } });

async function monitored() {
  const profiles: string[] = [];
  const world = await openGuard({
    constrain: monitorConstraint({
      agent: SAMPLE_AGENT,
      profileKey: publicKeyOf(operatorKey),
      clock: fixedClock(NOW * 1000),
      onProfile: (p) => profiles.push(`${p.pid}@${p.ver}`),
    }),
  });
  return { ...world, profiles };
}
const dispense = (units: number) => ({ name: 'pharmacy.dispense', params: { units }, task: `t-${units}` });

describe('constrain, enforced by a behavioural monitor (spec §3.2, §8.1)', () => {
  it('puts the profile in force at once: what it blocks is refused with the monitor’s refusal, and never runs', async () => {
    const { guard, profiles } = await monitored();
    let ran = 0;
    const work = async () => ++ran;
    expect(await guard.run(dispense(5000), work)).toBe(1);
    const answer = await guard.receive(constrain('c1', 1, profile()));
    expect(answer.claims).toMatchObject({ status: 'complied', state: { mode: 'constrained' } });
    // The acknowledgement names the enforced profile by its digest: SHA-256 of the signed profile's payload.
    const payload = decodeSign1(fromBase64Url(profile())).payload!;
    expect(answer.claims.state.profile).toBe(createHash('sha256').update(payload).digest('base64url'));
    expect(profiles).toEqual(['ward-3-safe@1']);

    const refused = await guard.run(dispense(5000), work).catch((e) => e);
    expect(isActionRefused(refused)).toBe(true);
    expect(refused.code).toBe('ERR_BV_ACTION_BLOCKED');
    expect(refused.verdict.violations.map((v: { rule: string }) => v.rule)).toEqual(['units-cap']);
    expect(await codeOf(guard.run({ name: 'email.send', task: 't-mail' }, work))).toBe('ERR_BV_ACTION_BLOCKED');
    expect(ran).toBe(1);
    expect(await guard.run(dispense(500), work)).toBe(2);

    // A release of the constraint lifts the profile.
    const released = await guard.receive(
      signal(
        'rel',
        2,
        'release',
        { iss: 'mailto:olu@example.org', role: 'safety_officer', lifts: ['c1'] },
        SAMPLE_KEYS.safetyOfficer,
      ),
    );
    expect(released.claims.status).toBe('complied');
    expect(await guard.run(dispense(5000), work)).toBe(3);
  });

  it('a profile for another agent, or signed by another key, cannot be enforced: the agent pauses itself', async () => {
    for (const text of [profile('spiffe://example.org/agent/other'), profile(SAMPLE_AGENT, SAMPLE_KEYS.auditor)]) {
      const { guard } = await monitored();
      const answer = await guard.receive(constrain('c1', 1, text));
      expect(answer.claims).toMatchObject({ status: 'cannot_comply', code: 'ERR_OV_CONSTRAINT_INVALID' });
      expect(await codeOf(guard.run(dispense(1), async () => 1))).toBe('ERR_OV_PAUSED');
    }
  });

  it('a restarted guard compiles the stored constraint again before any action runs', async () => {
    const first = await monitored();
    await first.guard.receive(constrain('c1', 1, profile()));
    const second = await openGuard({
      store: first.store,
      constrain: monitorConstraint({
        agent: SAMPLE_AGENT,
        profileKey: publicKeyOf(operatorKey),
        clock: fixedClock(NOW * 1000),
      }),
    });
    expect(await codeOf(second.guard.run(dispense(5000), async () => 1))).toBe('ERR_BV_ACTION_BLOCKED');
  });

  it('a restarted guard whose stored profile no longer compiles pauses itself rather than run unconstrained', async () => {
    const first = await monitored();
    await first.guard.receive(constrain('c1', 1, profile()));
    // The profile expired while the agent was down: it no longer verifies.
    const later = {
      store: first.store,
      constrain: monitorConstraint({
        agent: SAMPLE_AGENT,
        profileKey: publicKeyOf(operatorKey),
        clock: fixedClock((NOW + 2 * 86_400) * 1000),
      }),
    };
    const second = await openGuard(later);
    expect(second.guard.mode()).toBe('paused');
    expect(await codeOf(second.guard.run(dispense(1), async () => 1))).toBe('ERR_OV_PAUSED');
    // Persisted: a third start stays paused even with a clock under which the profile would verify again.
    const third = await openGuard({
      store: first.store,
      constrain: monitorConstraint({
        agent: SAMPLE_AGENT,
        profileKey: publicKeyOf(operatorKey),
        clock: fixedClock(NOW * 1000),
      }),
    });
    expect(third.guard.mode()).toBe('paused');
  });
});

describe('a constrain only narrows (spec §8.1)', () => {
  const capped = (cap: number) => profile(SAMPLE_AGENT, operatorKey, cap);

  it('takes a narrower profile, refuses a wider one and keeps the one in force; a release lifts back', async () => {
    const { guard } = await monitored();
    const work = async () => 'ran';
    expect((await guard.receive(constrain('c1', 1, capped(5000)))).claims.status).toBe('complied');
    const narrower = await guard.receive(constrain('c2', 2, capped(1000)));
    expect(narrower.claims).toMatchObject({ status: 'complied', state: { holds: ['c1', 'c2'] } });
    expect(await codeOf(guard.run(dispense(2000), work))).toBe('ERR_BV_ACTION_BLOCKED');

    const c3 = constrain('c3', 3, capped(3000));
    const wider = await guard.receive(c3);
    expect(wider.claims).toMatchObject({
      status: 'cannot_comply',
      code: 'ERR_OV_CONSTRAINT_WIDENS',
      reason: 'parameter rule units-cap is loosened or dropped (the profile of c2)',
      state: { mode: 'constrained', holds: ['c1', 'c2'], profile: narrower.claims.state.profile },
    });
    // The refused profile is not in force: the narrower one still judges, and a replay changes nothing.
    expect(await codeOf(guard.run(dispense(2000), work))).toBe('ERR_BV_ACTION_BLOCKED');
    const replay = await guard.receive(c3);
    expect(replay).toMatchObject({ duplicate: true, ack: wider.ack });

    // Widening is a lift's to do, with the authority a release needs: c1 is in force again.
    expect((await guard.receive(release('r', 4, ['c2']))).claims.status).toBe('complied');
    expect(await guard.run(dispense(2000), work)).toBe('ran');
    expect(await codeOf(guard.run(dispense(6000), work))).toBe('ERR_BV_ACTION_BLOCKED');
  });

  it('answers a lift that waited for a constrain it then refused: the hold it named never came', async () => {
    const { guard, acks } = await monitored();
    await guard.receive(constrain('c1', 1, capped(1000)));
    // The release names c3 before c3 arrives; its order is below c3's, so it could not lift it anyway.
    expect((await guard.receive(release('r', 2, ['c3']))).claims.status).toBe('received');
    const refused = await guard.receive(constrain('c3', 3, capped(5000)));
    expect(refused.claims).toMatchObject({ status: 'cannot_comply', code: 'ERR_OV_CONSTRAINT_WIDENS' });
    const final = acks.map((a) => acknowledgement.parse(acknowledgement.fromCbor(decodeCbor(decodeSign1(a).payload!))));
    expect(final.map((a) => [a.signal, a.status, a.code])).toEqual([['r', 'cannot_comply', 'ERR_OV_STALE']]);
  });

  it('compares only with profiles it would replace: a late, lower order, or another workflow’s', async () => {
    const { guard } = await monitored();
    const inWorkflow = (jti: string, seq: number, wid: string, text: string) =>
      signal(jti, seq, 'constrain', {
        action: { name: 'constrain', params: { profile: text } },
        scope: { kind: 'workflow', target: wid, propagate: false },
      });
    await guard.run({ ...dispense(1), workflow: 'wf-a' }, async () => 1);
    await guard.run({ ...dispense(2), workflow: 'wf-b' }, async () => 1);
    expect((await guard.receive(inWorkflow('a', 1, 'wf-a', capped(1000)))).claims.status).toBe('complied');
    expect((await guard.receive(inWorkflow('b', 2, 'wf-b', capped(5000)))).claims.status).toBe('complied');
    // An agent-wide constraint meets both workflows: wider than wf-a's, it is refused.
    const agentWide = await guard.receive(constrain('c', 3, capped(3000)));
    expect(agentWide.claims).toMatchObject({ status: 'cannot_comply', code: 'ERR_OV_CONSTRAINT_WIDENS' });
    // A late constraint of a lower order replaces nothing in force (spec §6.2): it is a hold.
    expect((await guard.receive(inWorkflow('late', 0, 'wf-a', capped(9000)))).claims.status).toBe('complied');
    expect(await codeOf(guard.run({ ...dispense(2000), workflow: 'wf-a' }, async () => 1))).toBe(
      'ERR_BV_ACTION_BLOCKED',
    );
  });

  it('refuses to replace a profile whose rules it cannot compare', async () => {
    const opaque = Object.assign(<T>(_action: unknown, run: () => Promise<T>) => run(), {});
    const { guard } = await openGuard({ constrain: () => opaque });
    expect((await guard.receive(constrain('c1', 1, profile()))).claims.status).toBe('complied');
    const second = await guard.receive(constrain('c2', 2, profile()));
    expect(second.claims).toMatchObject({ status: 'cannot_comply', code: 'ERR_OV_CONSTRAINT_WIDENS' });
  });
});
