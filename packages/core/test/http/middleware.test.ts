import {
  EctDag,
  EXECUTION_CONTEXT_HEADER,
  type ExecutionContext,
  ectFetch,
  formatExecutionContext,
  MemoryReplayCache,
  withExecutionContext,
} from '@safety-net/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agents, serveWeb } from './agents.js';

describe('withExecutionContext on loopback', () => {
  const a = agents('middleware');
  const dag = new EctDag();
  const seen: ExecutionContext[] = [];
  const handle = withExecutionContext(
    (_request, context) => {
      seen.push(context);
      return Response.json({ accepted: context.ects.map((e) => e.claims.exec_act) });
    },
    { key: a.keys, audience: a.shipping, clock: a.clock, replay: new MemoryReplayCache(), dag },
  );
  let server: Awaited<ReturnType<typeof serveWeb>>;
  beforeAll(async () => {
    server = await serveWeb(handle);
  });
  afterAll(() => server.close());

  const post = (value?: string) =>
    fetch(`${server.url}/tasks`, {
      method: 'POST',
      headers: value === undefined ? {} : { [EXECUTION_CONTEXT_HEADER]: value },
    });

  it('answers a request without ECTs 401 with a problem, never reaching the handler', async () => {
    for (const value of [undefined, '', ' , ']) {
      const response = await post(value);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.headers.get('www-authenticate')).toBe('Execution-Context');
      expect(await response.json()).toMatchObject({
        status: 401,
        title: 'Unauthorized',
        code: 'ERR_ECT_HEADER_MISSING',
      });
    }
    expect(seen).toHaveLength(0);
  });

  it('answers 400 for a malformed field, 401 for a token that does not verify, 409 for one the DAG cannot take', async () => {
    const malformed = await post('a.b');
    expect([malformed.status, ((await malformed.json()) as { code: string }).code]).toEqual([
      400,
      'ERR_ECT_HEADER_INVALID',
    ]);
    const tampered = a.cose(a.task('tampered'));
    tampered[tampered.length - 1]! ^= 1;
    const bad = await post(formatExecutionContext([tampered]));
    expect([bad.status, ((await bad.json()) as { code: string }).code]).toEqual([401, 'ERR_COSE_BAD_SIGNATURE']);
    const orphan = await post(formatExecutionContext([a.cose(a.task('orphan', ['unknown']))]));
    expect([orphan.status, ((await orphan.json()) as { code: string }).code]).toEqual([
      409,
      'ERR_ECT_PREDECESSOR_MISSING',
    ]);
    expect(seen).toHaveLength(0);
  });

  it('passes the verified context to the handler', async () => {
    const root = a.task('reserve');
    const response = await post(formatExecutionContext([await a.jws(root)]));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ accepted: ['reserve'] });
    expect(seen.at(-1)!.inserted).toEqual([root.jti]);
    expect(dag.has(root.jti)).toBe(true);
  });
});

describe('ectFetch', () => {
  it('chains a served request into the next call, end to end on loopback', async () => {
    const a = agents('chain');
    const dag = new EctDag(); // one store for the trust domain of both receivers
    const replay = new MemoryReplayCache();
    const billingOptions = { key: a.keys, audience: '', clock: a.clock, replay, dag };
    const billingSeen: ExecutionContext[] = [];
    const billing = await serveWeb(
      withExecutionContext((request, context) => {
        billingSeen.push(context);
        return Response.json({ path: new URL(request.url).pathname, custom: request.headers.get('x-order') });
      }, billingOptions),
    );
    billingOptions.audience = billing.url; // the default audience of a call is the origin it goes to
    const send = ectFetch({ key: a.shippingKey, issuer: a.shipping, clock: a.clock, random: a.random, format: 'cose' });
    const shipping = await serveWeb(
      withExecutionContext(
        async (_request, context) => {
          a.clock.advance(1_000);
          return send(`${billing.url}/invoice`, {
            method: 'POST',
            headers: { 'x-order': '1042', [EXECUTION_CONTEXT_HEADER]: 'replaced' },
            body: '{}',
            ect: { exec_act: 'billing.invoice', context },
          });
        },
        { key: a.keys, audience: a.shipping, clock: a.clock, replay, dag },
      ),
    );
    try {
      const reserve = a.task('reserve');
      const pick = a.task('pick', [reserve.jti]);
      const response = await fetch(`${shipping.url}/ship`, {
        method: 'POST',
        headers: { [EXECUTION_CONTEXT_HEADER]: formatExecutionContext([await a.jws(pick), a.cose(reserve)]) },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ path: '/invoice', custom: '1042' });
      const sent = billingSeen[0]!.ects;
      expect(sent).toHaveLength(1);
      expect(sent[0]!.format).toBe('cose');
      // Issued by shipping, for billing's origin, in the served workflow, after the latest served task only.
      expect(sent[0]!.claims).toMatchObject({
        iss: a.shipping,
        aud: billing.url,
        wid: 'wf-1',
        exec_act: 'billing.invoice',
        pred: [pick.jti],
      });
      expect(dag.predecessors(sent[0]!.claims.jti)).toEqual([pick.jti]);
    } finally {
      await shipping.close();
      await billing.close();
    }
  });

  it('signs the JWS form by default, and needs a wid when there is no context', async () => {
    const a = agents('fetch-unit');
    const headers: string[] = [];
    const send = ectFetch({
      key: a.inventoryKey,
      issuer: a.inventory,
      clock: a.clock,
      random: a.random,
      audience: () => a.shipping,
      fetch: async (request) => {
        headers.push(request.headers.get(EXECUTION_CONTEXT_HEADER)!);
        return new Response(null, { status: 204 });
      },
    });
    await expect(send('http://shipping.invalid/x', { ect: { exec_act: 'x' } })).rejects.toMatchObject({
      code: 'ERR_INPUT_INVALID',
    });
    const response = await send('http://shipping.invalid/x', { ect: { exec_act: 'x', wid: 'wf-9', pred: ['p'] } });
    expect(response.status).toBe(204);
    expect(headers[0]!.split('.')).toHaveLength(3);
  });
});
