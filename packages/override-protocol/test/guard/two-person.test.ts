import { describe, expect, it } from 'vitest';
import { assembleSignal, authorityPolicy, cosignSignal, overrideSignal } from '../../src/index.js';
import {
  SAMPLE_KEYS,
  sampleReleaseClaims,
  sampleSignalClaims,
  sampleTwoPersonPolicyClaims,
} from '../../src/testing.js';
import { openGuard } from './world.js';

describe('a cosigned lift in the guard (spec §5.4, §6.3)', () => {
  it('waits for the stop it names when it arrives first, then lifts it and is finally complied', async () => {
    const { guard, acks } = await openGuard({
      policy: authorityPolicy.sign(sampleTwoPersonPolicyClaims, SAMPLE_KEYS.authority),
    });
    const release = assembleSignal([
      cosignSignal(sampleReleaseClaims, SAMPLE_KEYS.safetyOfficer),
      cosignSignal(sampleReleaseClaims, SAMPLE_KEYS.safetyOfficer2),
    ]);
    const first = await guard.receive(release);
    expect(first.claims.status).toBe('received');
    // The stop it names (order 42, below the release's 45) arrives late: it is created already lifted.
    const stop = overrideSignal.sign(
      { ...sampleSignalClaims, policy: { pid: 'ward-3', ver: 5 } },
      SAMPLE_KEYS.safetyOfficer,
    );
    expect((await guard.receive(stop)).claims.status).toBe('complied');
    expect(guard.mode()).toBe('running');
    // The release's final acknowledgement was signed from its recorded (COSE_Sign) bytes.
    expect(acks).toHaveLength(1);
    const again = await guard.receive(release);
    expect(again).toMatchObject({ duplicate: true, claims: { status: 'complied', signal: 'ov-sig-0005' } });
  });
});
