import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import {
  type EctClaims,
  type EctDraft,
  ect,
  fixedClock,
  generateKey,
  keySet,
  newEctClaims,
  publicKeyOf,
  seededRandom,
  signJws,
  utf8,
} from '@safety-net/core';

/** Two agents of one trust domain: `inventory` issues ECTs, `shipping` receives them; fixed clock, seeded keys. */
export function agents(seed: string) {
  const clock = fixedClock(Date.UTC(2026, 2, 1, 9, 0, 0));
  const random = seededRandom(seed);
  const inventory = 'spiffe://logistics.example/agent/inventory';
  const shipping = 'spiffe://logistics.example/agent/shipping';
  const inventoryKey = { ...generateKey('Ed25519', random), kid: utf8('inventory-1') };
  const shippingKey = { ...generateKey('Ed25519', random), kid: utf8('shipping-1') };
  const keys = keySet([
    { key: publicKeyOf(inventoryKey), issuers: [inventory] },
    { key: publicKeyOf(shippingKey), issuers: [shipping] },
  ]);
  const task = (exec_act: string, pred: string[] = [], draft: Partial<EctDraft> = {}): EctClaims =>
    newEctClaims({ iss: inventory, aud: shipping, wid: 'wf-1', exec_act, pred, ...draft }, { clock, random });
  const cose = (claims: EctClaims) => ect.sign(claims, inventoryKey);
  const jws = (claims: EctClaims) => signJws(ect, claims, inventoryKey);
  return { clock, random, inventory, shipping, inventoryKey, shippingKey, keys, task, cose, jws };
}

/** Serves a Web-standard handler on loopback; returns its base URL and a close function. */
export async function serveWeb(fetch: (request: Request) => Promise<Response> | Response) {
  const server = createAdaptorServer({ fetch });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
