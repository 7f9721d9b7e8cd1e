import type { RulesInput } from '@safety-net/behavioral-verification';

/** The parties of the scenario, as their ECT / CWT identities. */
export const PARTIES = {
  agent: 'spiffe://bank.example/agent/trader-7',
  operator: 'spiffe://bank.example/operator/desk-ops',
  gateway: 'spiffe://bank.example/gateway/orders',
  verifier: 'spiffe://bank.example/monitor/risk',
  desk: 'spiffe://bank.example/settlement',
} as const;

/** The hard per-order limit, as the profile states it (an exact decimal string). */
export const NOTIONAL_LIMIT = '1000000';

/**
 * What the operator declares for the trading agent: it may place and cancel orders in two currency pairs, each
 * order at most 1,000,000 notional, at most 10 orders in any 10 s, open (net) exposure at most 3,000,000, and its
 * order sizes are watched for drift from the measured baseline (mean 200,000, sd 25,000) by a CUSUM detector.
 * Hard violations are blocked; drift raises an alert and lets the order through.
 */
export const TRADING_RULES: RulesInput = {
  actions: {
    unlisted: 'deny',
    rules: [
      { id: 'allow-place', effect: 'allow', pattern: 'trade.place' },
      { id: 'allow-cancel', effect: 'allow', pattern: 'trade.cancel' },
    ],
  },
  parameters: [
    {
      id: 'notional-limit',
      action: 'trade.place',
      param: 'notional',
      check: 'range',
      min: '0',
      max: NOTIONAL_LIMIT,
      required: true,
    },
    { id: 'side', action: 'trade.place', param: 'side', check: 'enum', values: ['buy', 'sell'], required: true },
    { id: 'symbol', action: 'trade.*', param: 'symbol', check: 'enum', values: ['EURUSD', 'GBPUSD'], required: true },
  ],
  rates: [{ id: 'order-rate', action: 'trade.*', max: 10, window_ms: 10_000 }],
  budgets: [{ id: 'open-exposure', action: 'trade.*', param: 'exposure', max: '3000000' }],
  drift: {
    numeric: [
      {
        id: 'notional-drift',
        action: 'trade.place',
        source: 'param',
        param: 'notional',
        method: 'cusum',
        mean: 200_000,
        sd: 25_000,
        k: 0.5,
        h: 5,
      },
    ],
  },
  escalation: { parameter_out_of_range: ['alert', 'block'], budget_exceeded: ['alert', 'block'], drift: ['alert'] },
};
