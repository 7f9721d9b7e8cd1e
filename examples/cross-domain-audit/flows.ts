import type { Item } from '@safety-net/cross-domain-audit';
import type { Domain } from './domain.js';
import type { Flow } from './settlement.js';

/**
 * What the three domains metered of one another in March, a record a day, with whole-number quantities that vary by
 * day: the supplier meters the hospital's ordering agent (order API calls and its formulary model's tokens), the
 * logistics company the supplier's shipment tracking, the hospital the logistics company's bookings of its
 * loading-dock slots. The hospital disputes 12 March: its own gateway saw half the model output the supplier
 * metered (a retried stream counted twice).
 */
export function marchFlows(hospital: Domain, supplier: Domain, logistics: Domain): Flow[] {
  const model = 'formulary-assistant';
  const ordering = (day: number, output = 250_000 + 5_000 * (day % 7)): Item[] => [
    { kind: 'gen_ai.usage.input_tokens', quantity: String(1_200_000 + 10_000 * day), model },
    { kind: 'gen_ai.usage.output_tokens', quantity: String(output), model },
    { kind: 'api_calls', quantity: String(40 + (day % 5)), api: 'orders.create' },
  ];
  return [
    {
      provider: supplier,
      consumer: hospital,
      meter: 'supplier-gateway',
      agent: `spiffe://${hospital.name}/agent/procurement`,
      items: (day) => ordering(day),
      prices: [
        { kind: 'gen_ai.usage.input_tokens', model, per: '1000000', price: '0.40' },
        { kind: 'gen_ai.usage.output_tokens', model, per: '1000000', price: '1.60' },
        { kind: 'api_calls', per: '1', price: '0.02' },
      ],
      dispute: { day: 11, held: ordering(11, (250_000 + 5_000 * (11 % 7)) / 2) },
    },
    {
      provider: logistics,
      consumer: supplier,
      meter: 'logistics-tracking',
      agent: `spiffe://${supplier.name}/agent/fulfilment`,
      items: (day) => [
        { kind: 'api_calls', quantity: String(300 + 11 * (day % 9)), api: 'shipments.track' },
        { kind: 'cpu_seconds', quantity: `${120 + day}.5` },
      ],
      prices: [
        { kind: 'api_calls', per: '100', price: '0.25' },
        { kind: 'cpu_seconds', per: '3600', price: '0.90' },
      ],
    },
    {
      provider: hospital,
      consumer: logistics,
      meter: 'hospital-dock',
      agent: `spiffe://${logistics.name}/agent/routing`,
      items: (day) => [{ kind: 'api_calls', quantity: String(6 + (day % 4)), api: 'slots.book' }],
      prices: [{ kind: 'api_calls', per: '1', price: '0.05' }],
    },
  ];
}
