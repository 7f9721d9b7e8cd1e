import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { decodeCbor, decodeSign1 } from '@safety-net/core';
import { afterEach, describe, expect, it } from 'vitest';
import { OVERRIDE_PATH, overrideEndpoint } from '../../src/endpoint/index.js';
import { acknowledgement, assembleSignal, authorityPolicy, cosignSignal, overrideSignal } from '../../src/index.js';
import {
  SAMPLE_KEYS,
  sampleReleaseClaims,
  sampleSignalClaims,
  sampleTwoPersonPolicyClaims,
} from '../../src/testing.js';
import { openGuard } from '../guard/world.js';

const ackOf = (bytes: Uint8Array) =>
  acknowledgement.parse(acknowledgement.fromCbor(decodeCbor(decodeSign1(bytes).payload!)));
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('a guard under the two-person rule, over loopback HTTP (spec §5.4, §7.1)', () => {
  it('stays stopped on a release one officer signed (403, refused ERR_OV_QUORUM) and releases on two', async () => {
    const { guard } = await openGuard({
      policy: authorityPolicy.sign(sampleTwoPersonPolicyClaims, SAMPLE_KEYS.authority),
    });
    const server = createAdaptorServer({ fetch: overrideEndpoint(guard) });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${OVERRIDE_PATH}/signals`;
    const post = async (body: Uint8Array) => {
      const r = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/cose' } });
      return { status: r.status, ack: ackOf(new Uint8Array(await r.arrayBuffer())) };
    };

    const stop = overrideSignal.sign(
      { ...sampleSignalClaims, policy: { pid: 'ward-3', ver: 5 } },
      SAMPLE_KEYS.safetyOfficer,
    );
    expect((await post(stop)).ack.status).toBe('complied');
    expect(guard.mode()).toBe('stopped');

    const alone = await post(assembleSignal([cosignSignal(sampleReleaseClaims, SAMPLE_KEYS.safetyOfficer)]));
    expect(alone).toMatchObject({ status: 403, ack: { status: 'refused', code: 'ERR_OV_QUORUM' } });
    expect(guard.mode()).toBe('stopped');

    const twice = { ...sampleReleaseClaims, jti: 'ov-sig-0006', seq: 46 };
    const sameOfficer = assembleSignal([
      cosignSignal(twice, SAMPLE_KEYS.safetyOfficer),
      cosignSignal(twice, SAMPLE_KEYS.safetyOfficer),
    ]);
    expect(await post(sameOfficer)).toMatchObject({ status: 403, ack: { code: 'ERR_OV_QUORUM' } });

    const both = { ...sampleReleaseClaims, jti: 'ov-sig-0007', seq: 47 };
    const released = await post(
      assembleSignal([cosignSignal(both, SAMPLE_KEYS.safetyOfficer), cosignSignal(both, SAMPLE_KEYS.safetyOfficer2)]),
    );
    expect(released).toMatchObject({ status: 200, ack: { status: 'complied', signal: 'ov-sig-0007' } });
    expect(guard.mode()).toBe('running');
  });
});
