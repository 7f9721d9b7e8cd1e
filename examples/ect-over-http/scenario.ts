import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import {
  EXECUTION_CONTEXT_HEADER,
  ect,
  ectFetch,
  ectHash,
  fixedClock,
  formatExecutionContext,
  generateKey,
  keySet,
  newEctClaims,
  publicKeyOf,
  randomUuid,
  seededRandom,
  utf8,
} from '@safety-net/core';
import { createReceiver } from './receiver.js';

/** One request the sender made and what the receiver answered: the accepted action, or the refusal's code. */
export interface Exchange {
  step: string;
  form: 'cose' | 'jws' | '-';
  status: number;
  outcome: string;
}

const START = Date.UTC(2026, 2, 1, 9, 0, 0);
const INVENTORY = 'spiffe://logistics.example/agent/inventory';
const SHIPPING = 'spiffe://logistics.example/agent/shipping';

/**
 * Two agents on loopback: `inventory` sends its tasks to `shipping` over real HTTP with `ectFetch`, in both wire
 * forms; then a request without ECTs, a tampered token, a replayed one and one with an unknown predecessor, which
 * the receiver must refuse with their error codes. Deterministic: fixed clock, keys and task ids from seeds.
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
    keys: keySet([{ key: publicKeyOf(inventoryKey), issuers: [INVENTORY] }]),
    audience: SHIPPING,
    clock,
  });
  const server = createAdaptorServer({ fetch: receiver.handle });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tasks`;

  const exchanges: Exchange[] = [];
  async function record(step: string, form: Exchange['form'], response: Response): Promise<void> {
    const body = (await response.json()) as { accepted: string[] } | { code: string };
    exchanges.push({ step, form, status: response.status, outcome: 'code' in body ? body.code : body.accepted[0]! });
  }
  // What went over the wire, as an eavesdropper would have it: the replay below re-sends a captured header.
  const sentHeaders: string[] = [];
  const wire = (request: Request) => {
    sentHeaders.push(request.headers.get(EXECUTION_CONTEXT_HEADER)!);
    return fetch(request);
  };
  const signer = { key: inventoryKey, issuer: INVENTORY, audience: () => SHIPPING, clock, random, fetch: wire };
  const sendCose = ectFetch({ ...signer, format: 'cose' });
  const sendJws = ectFetch({ ...signer, format: 'jws' });
  const post = (headers: Record<string, string> = {}) => fetch(url, { method: 'POST', headers });

  try {
    const wid = 'wf-order-1042';
    const reserve = randomUuid(random);
    const body = '{"sku":"A-1","qty":3}';
    const call = { exec_act: 'inventory.reserve', wid, jti: reserve, inp_hash: ectHash(body) };
    await record('reserve stock', 'cose', await sendCose(url, { method: 'POST', body, ect: call }));
    clock.advance(2_000);
    const pick = randomUuid(random);
    const pickCall = { exec_act: 'inventory.pick', wid, jti: pick, pred: [reserve] };
    await record('pick items', 'jws', await sendJws(url, { method: 'POST', ect: pickCall }));
    clock.advance(2_000);
    const handOver = { exec_act: 'inventory.hand_over', wid, pred: [pick] };
    await record('hand over to shipping', 'cose', await sendCose(url, { method: 'POST', ect: handOver }));

    await record('no Execution-Context', '-', await post());
    const task = (exec_act: string, pred: string[]) =>
      newEctClaims({ iss: INVENTORY, aud: SHIPPING, wid, exec_act, pred }, { clock, random });
    const tampered = ect.sign(task('inventory.release', [pick]), inventoryKey);
    tampered[tampered.length - 1]! ^= 0x01; // one bit of the signature
    await record(
      'tampered token',
      'cose',
      await post({ [EXECUTION_CONTEXT_HEADER]: formatExecutionContext([tampered]) }),
    );
    await record('replayed token', 'cose', await post({ [EXECUTION_CONTEXT_HEADER]: sentHeaders[0]! }));
    const orphan = ect.sign(task('inventory.restock', ['no-such-task']), inventoryKey);
    await record(
      'unknown predecessor',
      'cose',
      await post({ [EXECUTION_CONTEXT_HEADER]: formatExecutionContext([orphan]) }),
    );
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
    const outcome = x.status === 200 ? `accepted ${x.outcome}` : `refused ${x.outcome}`;
    console.log(`  ${x.step.padEnd(24)} ${x.form.padEnd(5)} HTTP ${x.status}  ${outcome}`);
  }
  console.log(`\n  receiver DAG: ${dagSize} tasks; edges: ${edges.join(', ')}`);
  console.log(`  receiver ledger: ${ledgerSize} entries\n`);
}
