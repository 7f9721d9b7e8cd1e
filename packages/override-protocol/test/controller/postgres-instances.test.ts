import { publicKeyOf } from '@safety-net/core';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_MISSING, PgTestSchemas, pgTestUrl } from '../../../../test-support/postgres.js';
import { migrateController, PostgresControllerStore } from '../../src/postgres.js';
import { SAMPLE_CTL } from '../../src/testing.js';
import { openGuard } from '../guard/world.js';
import { agentId, agentKey, emergencyStop, ManualTime, makeController, NOW } from './world.js';

const url = pgTestUrl();
const schemas = url ? new PgTestSchemas(url) : undefined;
afterAll(() => schemas?.close());

describe.skipIf(!url)(
  `two control plane instances over one PostgreSQL database${url ? '' : ` (${PG_MISSING})`}`,
  () => {
    it('issue concurrently with unique orders, which one agent accepts without a conflict (spec §6.4, §10)', async () => {
      const schema = await schemas!.create();
      await migrateController(schemas!.pool(schema));
      const time = new ManualTime(NOW * 1000);
      const { guard } = await openGuard({ agent: agentId(1), key: agentKey(1), domains: ['ward-3'] });
      const instances = ['ctl-a', 'ctl-b'].map((instance) => {
        const controller = makeController(time, {
          store: new PostgresControllerStore(schemas!.pool(schema)),
          instance,
        });
        controller.registerAgent({ id: agentId(1), key: publicKeyOf(agentKey(1)), domains: ['ward-3'] });
        controller.connect(agentId(1), guard);
        return controller;
      });
      const issued = await Promise.all(
        Array.from({ length: 20 }, (_, i) => instances[i % 2]!.issue(emergencyStop({ jti: `ov-sig-${i}` }))),
      );
      expect(issued.map((s) => s.order[1]).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      const deliveries = await Promise.all(issued.map((s, i) => instances[i % 2]!.acknowledged(s.jti)));
      // Every signal was acknowledged `complied`: none was refused as a reuse of an order the agent had seen.
      expect(deliveries.flat().map((d) => d.state)).toEqual(Array(20).fill('final'));
      expect(guard.state(SAMPLE_CTL).order).toEqual([1, 20]);
      for (const c of instances) await c.close();
    }, 60_000);
  },
);
