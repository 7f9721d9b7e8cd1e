import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import {
  type EctClaims,
  EXECUTION_CONTEXT_HEADER,
  ect,
  ectHash,
  fixedClock,
  formatExecutionContext,
  generateKey,
  keySet,
  newEctClaims,
  publicKeyOf,
  seededRandom,
  signJws,
  utf8,
} from '@safety-net/core';
import { createReceiver, type Verdict } from './receiver.js';

/** One request the sender made and what the receiver answered. */
export interface Exchange {
  step: string;
  form: 'cose' | 'jwt';
  status: number;
  verdicts: Verdict[];
}

const START = Date.UTC(2026, 2, 1, 9, 0, 0);
const SHIPPING = 'spiffe://logistics.example/agent/shipping';

/**
 * Two agents on loopback: `inventory` sends signed ECTs to `shipping` over real HTTP, in both wire forms; then a
 * tampered token and a replayed one, which the receiver must refuse with their error codes. Deterministic: fixed
 * clock, keys and task ids from seeds.
 */
export async function runEctOverHttp(): Promise<{
  exchanges: Exchange[];
  dagSize: number;
  ledgerSize: number;
  edges: string[];
}> {
  const clock = fixedClock(START);
  const random = seededRandom('examples/ect-over-http');
  const inventoryKey = { ...generateKey('Ed25519', random), kid: utf8('inventory-2026') };
  const receiver = createReceiver({
    keys: keySet([{ key: publicKeyOf(inventoryKey), issuers: ['spiffe://logistics.example/agent/inventory'] }]),
    audience: SHIPPING,
    clock,
  });
  const server = createAdaptorServer({ fetch: receiver.handle });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tasks`;

  const task = (exec_act: string, pred: string[], input: string): EctClaims =>
    newEctClaims(
      {
        iss: 'spiffe://logistics.example/agent/inventory',
        aud: SHIPPING,
        wid: 'wf-order-1042',
        exec_act,
        pred,
        inp_hash: ectHash(input),
      },
      { clock, random },
    );
  const exchanges: Exchange[] = [];
  async function send(step: string, form: 'cose' | 'jwt', token: string | Uint8Array): Promise<void> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { [EXECUTION_CONTEXT_HEADER]: formatExecutionContext([token]) },
    });
    const body = (await response.json()) as { verdicts: Verdict[] };
    exchanges.push({ step, form, status: response.status, verdicts: body.verdicts });
  }

  try {
    const reserve = task('inventory.reserve', [], '{"sku":"A-1","qty":3}');
    const reserveToken = ect.sign(reserve, inventoryKey);
    await send('reserve stock', 'cose', reserveToken);
    clock.advance(2_000);
    const pick = task('inventory.pick', [reserve.jti], '{"bin":"B7"}');
    await send('pick items', 'jwt', await signJws(ect, pick, inventoryKey));
    clock.advance(2_000);
    const handOver = task('inventory.hand_over', [pick.jti], '{"carrier":"C9"}');
    await send('hand over to shipping', 'cose', ect.sign(handOver, inventoryKey));

    const tampered = ect.sign(task('inventory.release', [handOver.jti], '{}'), inventoryKey);
    tampered[tampered.length - 1]! ^= 0x01; // one bit of the signature
    await send('tampered token', 'cose', tampered);
    await send('replayed token', 'cose', reserveToken);
    const orphan = task('inventory.restock', ['no-such-task'], '{}');
    await send('unknown predecessor', 'cose', ect.sign(orphan, inventoryKey));
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  const dag = receiver.dag;
  const edges = dag
    .topologicalOrder()
    .flatMap((jti) => dag.predecessors(jti).map((p) => `${dag.get(p)!.exec_act} → ${dag.get(jti)!.exec_act}`));
  return { exchanges, dagSize: dag.size, ledgerSize: await receiver.ledger.size(), edges };
}

/** Prints the scenario as a readable summary. */
export async function main(): Promise<void> {
  const { exchanges, dagSize, ledgerSize, edges } = await runEctOverHttp();
  console.log('ECT over HTTP — inventory agent → shipping agent (loopback, Execution-Context header)\n');
  for (const x of exchanges) {
    const v = x.verdicts[0]!;
    const outcome = v.accepted ? `accepted ${v.exec_act}` : `refused ${v.code}`;
    console.log(`  ${x.step.padEnd(24)} ${x.form.padEnd(5)} HTTP ${x.status}  ${outcome}`);
  }
  console.log(`\n  receiver DAG: ${dagSize} tasks; edges: ${edges.join(', ')}`);
  console.log(`  receiver ledger: ${ledgerSize} entries\n`);
}
