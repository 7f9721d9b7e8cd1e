/**
 * Evaluation vectors of @safety-net/behavioral-verification (kind `bv-monitor-evaluate`): profile rules, a
 * sequence of observations at fixed times, and the verdict expected for each. The expectations are written here
 * by hand from the specification, not taken from the implementation's output.
 */

const T0 = 1_772_323_200_000;
const NOW = T0 / 1000;

type Params = Record<string, number | string | boolean>;
interface Obs {
  jti: string;
  wid: string;
  iss: string;
  exec_act: string;
  pred: string[];
  time_ms: number;
  params: Params;
  [k: string]: unknown;
}

/** An observation `ms` after T0. */
function obs(jti: string, act: string, ms: number, params: Params = {}, extra: Record<string, unknown> = {}): Obs {
  return { jti, wid: 'wf-1', iss: 'agent-trader', exec_act: act, pred: [], time_ms: T0 + ms, params, ...extra };
}

const HARD = new Set([
  'forbidden_action',
  'unlisted_action',
  'parameter_out_of_range',
  'parameter_not_allowed',
  'rate_exceeded',
  'budget_exceeded',
  'sequence_violation',
  'scope_violation',
]);

/** Expected verdict: `violations` as "rule:class"; responses and decision follow the default escalation unless given. */
function expect(jti: string, violations: string[] = [], responses?: string[], decision?: string) {
  const list = violations.map((v) => {
    const [rule, cls] = v.split(':') as [string, string];
    return { rule, class: cls };
  });
  const r =
    responses ??
    [...new Set(list.map((v) => (HARD.has(v.class) ? 'block' : 'alert')))].sort((a, b) =>
      a === 'alert' ? -1 : b === 'alert' ? 1 : 0,
    );
  const d = decision ?? (r.includes('block') ? 'block' : 'allow');
  return { jti, decision: d, responses: r, violations: list };
}

interface Spec {
  id: string;
  description: string;
  rules: unknown;
  observations: unknown[];
  mode?: 'enforce' | 'observe';
  verdicts?: ReturnType<typeof expect>[];
  error?: string;
}

const allowTrade = { unlisted: 'deny', rules: [{ id: 'allow-trade', effect: 'allow', pattern: 'trade.*' }] };

const SPECS: Spec[] = [
  {
    id: 'allow-listed',
    description: 'An action matching an allow pattern, with no other rule, is allowed.',
    rules: { actions: allowTrade },
    observations: [obs('t1', 'trade.open', 0)],
    verdicts: [expect('t1')],
  },
  {
    id: 'unlisted-action',
    description:
      'With unlisted: deny, an action no allow rule matches is an unlisted_action under the reserved rule id actions.unlisted.',
    rules: { actions: allowTrade },
    observations: [obs('t1', 'wire.transfer', 0)],
    verdicts: [expect('t1', ['actions.unlisted:unlisted_action'])],
  },
  {
    id: 'unlisted-allowed',
    description: 'With unlisted: allow, only deny rules stop an action.',
    rules: { actions: { unlisted: 'allow', rules: [{ id: 'no-wire', effect: 'deny', pattern: 'wire.*' }] } },
    observations: [obs('t1', 'report.send', 0), obs('t2', 'wire.out', 1000)],
    verdicts: [expect('t1'), expect('t2', ['no-wire:forbidden_action'])],
  },
  {
    id: 'deny-wins',
    description: 'A deny rule wins over a matching allow rule, whatever their order.',
    rules: {
      actions: {
        rules: [
          { id: 'allow-trade', effect: 'allow', pattern: 'trade.*' },
          { id: 'no-margin', effect: 'deny', pattern: 'trade.margin*' },
        ],
      },
    },
    observations: [obs('t1', 'trade.margin.open', 0), obs('t2', 'trade.open', 1000)],
    verdicts: [expect('t1', ['no-margin:forbidden_action']), expect('t2')],
  },
  {
    id: 'pattern-star-middle',
    description: 'A * matches any run of characters, also none, also across dots.',
    rules: { actions: { rules: [{ id: 'a', effect: 'allow', pattern: 'db.*.read' }] } },
    observations: [
      obs('t1', 'db.orders.read', 0),
      obs('t2', 'db..read', 1),
      obs('t3', 'db.orders.write', 2),
      obs('t4', 'db.a.b.read', 3),
    ],
    verdicts: [expect('t1'), expect('t2'), expect('t3', ['actions.unlisted:unlisted_action']), expect('t4')],
  },
  {
    id: 'range-integer-max',
    description: 'A notional of 1,000,000 is within max 1000000; 1,000,001 is parameter_out_of_range.',
    rules: {
      actions: allowTrade,
      parameters: [{ id: 'notional-max', action: 'trade.*', param: 'notional', check: 'range', max: 1_000_000 }],
    },
    observations: [
      obs('t1', 'trade.open', 0, { notional: 1_000_000 }),
      obs('t2', 'trade.open', 1000, { notional: 1_000_001 }),
    ],
    verdicts: [expect('t1'), expect('t2', ['notional-max:parameter_out_of_range'])],
  },
  {
    id: 'range-decimal-exact',
    description:
      'Decimal strings compare exactly: "1000000.000000000000000001" exceeds max "1000000" though it rounds to it as a double.',
    rules: {
      actions: allowTrade,
      parameters: [{ id: 'notional-max', action: 'trade.*', param: 'notional', check: 'range', max: '1000000' }],
    },
    observations: [
      obs('t1', 'trade.open', 0, { notional: '1000000.000000000000000000' }),
      obs('t2', 'trade.open', 1, { notional: '1000000.000000000000000001' }),
    ],
    verdicts: [expect('t1'), expect('t2', ['notional-max:parameter_out_of_range'])],
  },
  {
    id: 'range-min-fraction',
    description: 'A minimum of "0.01": 0.01 passes, 0.009 (a JSON number) is out of range.',
    rules: {
      actions: allowTrade,
      parameters: [{ id: 'qty-min', action: 'trade.*', param: 'qty', check: 'range', min: '0.01' }],
    },
    observations: [obs('t1', 'trade.open', 0, { qty: 0.01 }), obs('t2', 'trade.open', 1, { qty: 0.009 })],
    verdicts: [expect('t1'), expect('t2', ['qty-min:parameter_out_of_range'])],
  },
  {
    id: 'range-not-numeric',
    description: 'A range rule given a value that is not a number is parameter_not_allowed, not a pass.',
    rules: {
      actions: allowTrade,
      parameters: [{ id: 'notional-max', action: 'trade.*', param: 'notional', check: 'range', max: 10 }],
    },
    observations: [obs('t1', 'trade.open', 0, { notional: 'ten' }), obs('t2', 'trade.open', 1, { notional: true })],
    verdicts: [
      expect('t1', ['notional-max:parameter_not_allowed']),
      expect('t2', ['notional-max:parameter_not_allowed']),
    ],
  },
  {
    id: 'param-required-missing',
    description: 'A required parameter that is absent is parameter_not_allowed; an optional one is not checked.',
    rules: {
      actions: allowTrade,
      parameters: [
        {
          id: 'ccy-required',
          action: 'trade.open',
          param: 'currency',
          check: 'enum',
          values: ['EUR', 'USD'],
          required: true,
        },
        { id: 'note-len', action: 'trade.open', param: 'note', check: 'length', max: 10 },
      ],
    },
    observations: [obs('t1', 'trade.open', 0, {})],
    verdicts: [expect('t1', ['ccy-required:parameter_not_allowed'])],
  },
  {
    id: 'enum',
    description: 'An enum admits only its listed values, compared by type and value ("1" is not 1).',
    rules: {
      actions: allowTrade,
      parameters: [{ id: 'side', action: 'trade.*', param: 'side', check: 'enum', values: ['buy', 'sell', 1] }],
    },
    observations: [
      obs('t1', 'trade.open', 0, { side: 'buy' }),
      obs('t2', 'trade.open', 1, { side: 'short' }),
      obs('t3', 'trade.open', 2, { side: '1' }),
    ],
    verdicts: [
      expect('t1'),
      expect('t2', ['side:parameter_not_allowed']),
      expect('t3', ['side:parameter_not_allowed']),
    ],
  },
  {
    id: 'regex-pattern',
    description: 'A pattern is anchored at both ends; a value over max_length fails without being matched.',
    rules: {
      actions: allowTrade,
      parameters: [
        { id: 'symbol', action: 'trade.*', param: 'symbol', check: 'pattern', regex: '[A-Z]{1,5}', max_length: 5 },
      ],
    },
    observations: [
      obs('t1', 'trade.open', 0, { symbol: 'MSFT' }),
      obs('t2', 'trade.open', 1, { symbol: 'xMSFT' }),
      obs('t3', 'trade.open', 2, { symbol: 'ABCDEF' }),
    ],
    verdicts: [
      expect('t1'),
      expect('t2', ['symbol:parameter_not_allowed']),
      expect('t3', ['symbol:parameter_not_allowed']),
    ],
  },
  {
    id: 'string-length',
    description: 'Length bounds count UTF-16 code units, inclusive at both ends.',
    rules: {
      actions: allowTrade,
      parameters: [{ id: 'memo', action: 'trade.*', param: 'memo', check: 'length', min: 2, max: 4 }],
    },
    observations: [
      obs('t1', 'trade.open', 0, { memo: 'ab' }),
      obs('t2', 'trade.open', 1, { memo: 'abcd' }),
      obs('t3', 'trade.open', 2, { memo: 'a' }),
      obs('t4', 'trade.open', 3, { memo: 'abcde' }),
    ],
    verdicts: [
      expect('t1'),
      expect('t2'),
      expect('t3', ['memo:parameter_not_allowed']),
      expect('t4', ['memo:parameter_not_allowed']),
    ],
  },
  {
    id: 'rate-limit',
    description: 'max 2 per 1000 ms: the third action inside the window is rate_exceeded and (blocked) is not counted.',
    rules: { actions: allowTrade, rates: [{ id: 'rate', action: 'trade.*', max: 2, window_ms: 1000 }] },
    observations: [
      obs('t1', 'trade.open', 0),
      obs('t2', 'trade.open', 100),
      obs('t3', 'trade.open', 999),
      obs('t4', 'trade.open', 1000),
    ],
    verdicts: [expect('t1'), expect('t2'), expect('t3', ['rate:rate_exceeded']), expect('t4')],
  },
  {
    id: 'rate-window-boundary',
    description:
      'The window is (t − window_ms, t]: an action exactly window_ms after the oldest counted one is allowed.',
    rules: { actions: allowTrade, rates: [{ id: 'rate', action: 'trade.*', max: 1, window_ms: 1000 }] },
    observations: [obs('t1', 'trade.open', 0), obs('t2', 'trade.open', 999), obs('t3', 'trade.open', 1000)],
    verdicts: [expect('t1'), expect('t2', ['rate:rate_exceeded']), expect('t3')],
  },
  {
    id: 'rate-per-pattern',
    description: 'A rate rule counts only the actions its pattern matches.',
    rules: { actions: allowTrade, rates: [{ id: 'open-rate', action: 'trade.open', max: 1, window_ms: 60000 }] },
    observations: [obs('t1', 'trade.open', 0), obs('t2', 'trade.close', 1), obs('t3', 'trade.open', 2)],
    verdicts: [expect('t1'), expect('t2'), expect('t3', ['open-rate:rate_exceeded'])],
  },
  {
    id: 'rate-observe-mode-counts-all',
    description: 'In observe mode every action enters the window, also one judged a violation.',
    mode: 'observe',
    rules: { actions: allowTrade, rates: [{ id: 'rate', action: 'trade.*', max: 1, window_ms: 1000 }] },
    observations: [obs('t1', 'trade.open', 0), obs('t2', 'trade.open', 500), obs('t3', 'trade.open', 1200)],
    verdicts: [expect('t1'), expect('t2', ['rate:rate_exceeded']), expect('t3', ['rate:rate_exceeded'])],
  },
  {
    id: 'budget-cumulative',
    description:
      'Open exposure: the sum of notional without a window may not exceed 1000; a negative value (a close) lowers it.',
    rules: { actions: allowTrade, budgets: [{ id: 'exposure', action: 'trade.*', param: 'notional', max: '1000' }] },
    observations: [
      obs('t1', 'trade.open', 0, { notional: 600 }),
      obs('t2', 'trade.open', 1, { notional: '400.01' }),
      obs('t3', 'trade.close', 2, { notional: -200 }),
      obs('t4', 'trade.open', 3, { notional: '400.00' }),
    ],
    verdicts: [expect('t1'), expect('t2', ['exposure:budget_exceeded']), expect('t3'), expect('t4')],
  },
  {
    id: 'budget-window',
    description: 'A budget over 1000 ms: values leave the sum once the window has passed them.',
    rules: {
      actions: allowTrade,
      budgets: [{ id: 'spend', action: 'trade.*', param: 'notional', max: 100, window_ms: 1000 }],
    },
    observations: [
      obs('t1', 'trade.open', 0, { notional: 80 }),
      obs('t2', 'trade.open', 999, { notional: 30 }),
      obs('t3', 'trade.open', 1000, { notional: 30 }),
    ],
    verdicts: [expect('t1'), expect('t2', ['spend:budget_exceeded']), expect('t3')],
  },
  {
    id: 'budget-non-numeric',
    description: 'A budget parameter that is not a number is parameter_not_allowed rather than counted as zero.',
    rules: { actions: allowTrade, budgets: [{ id: 'exposure', action: 'trade.*', param: 'notional', max: 10 }] },
    observations: [obs('t1', 'trade.open', 0, { notional: 'lots' })],
    verdicts: [expect('t1', ['exposure:parameter_not_allowed'])],
  },
  {
    id: 'sequence-requires-ancestor',
    description:
      'trade.execute requires an ancestor risk.check in the ECT DAG: present two steps back, absent on a fresh root.',
    rules: {
      actions: { unlisted: 'allow', rules: [] },
      sequences: [{ id: 'risk-first', kind: 'requires', action: 'trade.execute', after: 'risk.check' }],
    },
    observations: [
      obs('r1', 'risk.check', 0),
      obs('p1', 'trade.price', 1, {}, { pred: ['r1'] }),
      obs('x1', 'trade.execute', 2, {}, { pred: ['p1'] }),
      obs('x2', 'trade.execute', 3),
    ],
    verdicts: [expect('r1'), expect('p1'), expect('x1'), expect('x2', ['risk-first:sequence_violation'])],
  },
  {
    id: 'sequence-requires-predecessor',
    description: 'With relation predecessor only direct predecessors count: an ancestor two steps back does not.',
    rules: {
      actions: { unlisted: 'allow', rules: [] },
      sequences: [
        { id: 'risk-direct', kind: 'requires', action: 'trade.execute', after: 'risk.check', relation: 'predecessor' },
      ],
    },
    observations: [
      obs('r1', 'risk.check', 0),
      obs('p1', 'trade.price', 1, {}, { pred: ['r1'] }),
      obs('x1', 'trade.execute', 2, {}, { pred: ['p1'] }),
      obs('x2', 'trade.execute', 3, {}, { pred: ['r1'] }),
    ],
    verdicts: [expect('r1'), expect('p1'), expect('x1', ['risk-direct:sequence_violation']), expect('x2')],
  },
  {
    id: 'sequence-forbids',
    description: 'A forbidden sequence data.export after pii.read: refused when pii.read is an ancestor.',
    rules: {
      actions: { unlisted: 'allow', rules: [] },
      sequences: [{ id: 'no-exfil', kind: 'forbids', action: 'data.export', after: 'pii.read' }],
    },
    observations: [
      obs('a', 'pii.read', 0),
      obs('b', 'data.export', 1, {}, { pred: ['a'] }),
      obs('c', 'data.export', 2),
    ],
    verdicts: [expect('a'), expect('b', ['no-exfil:sequence_violation']), expect('c')],
  },
  {
    id: 'sequence-blocked-not-in-dag',
    description:
      'In enforce mode a blocked action does not enter the DAG: a later action naming it as predecessor is refused with ERR_ECT_PREDECESSOR_MISSING.',
    rules: { actions: { unlisted: 'allow', rules: [{ id: 'no-x', effect: 'deny', pattern: 'x' }] } },
    observations: [obs('a', 'x', 0), obs('b', 'y', 1, {}, { pred: ['a'] })],
    error: 'ERR_ECT_PREDECESSOR_MISSING',
  },
  {
    id: 'scope-violation',
    description: 'Every declared scope must match one of the allowed patterns; each scope outside is one violation.',
    rules: {
      actions: { unlisted: 'allow', rules: [] },
      scopes: [{ id: 'scopes', action: '*', allowed: ['market:*:read', 'orders:write'] }],
    },
    observations: [
      obs('t1', 'q', 0, {}, { scopes: ['market:eu:read', 'orders:write'] }),
      obs('t2', 'q', 1, {}, { scopes: ['market:eu:read', 'hr:salaries:read', 'orders:delete'] }),
    ],
    verdicts: [expect('t1'), expect('t2', ['scopes:scope_violation', 'scopes:scope_violation'])],
  },
  {
    id: 'drift-cusum-param',
    description:
      'CUSUM (k 0.5, h 2) on notional with baseline mean 100, sd 10: values of 120 raise S+ by 1.5 each, so the second exceeds h and is drift (an alert, the action is allowed).',
    rules: {
      actions: allowTrade,
      drift: {
        numeric: [
          { id: 'notional-drift', action: 'trade.*', source: 'param', param: 'notional', mean: 100, sd: 10, h: 2 },
        ],
      },
    },
    observations: [
      obs('t1', 'trade.open', 0, { notional: 100 }),
      obs('t2', 'trade.open', 1, { notional: 120 }),
      obs('t3', 'trade.open', 2, { notional: 120 }),
    ],
    verdicts: [expect('t1'), expect('t2'), expect('t3', ['notional-drift:drift'])],
  },
  {
    id: 'drift-latency-lower',
    description: 'Two-sided CUSUM on latency: values well below the baseline alarm on the lower side.',
    rules: {
      actions: allowTrade,
      drift: { numeric: [{ id: 'latency', action: '*', source: 'latency_ms', mean: 50, sd: 5, h: 2.5 }] },
    },
    observations: [
      obs('t1', 'trade.open', 0, {}, { latency_ms: 40 }),
      obs('t2', 'trade.open', 1, {}, { latency_ms: 40 }),
    ],
    verdicts: [expect('t1'), expect('t2', ['latency:drift'])],
  },
  {
    id: 'drift-interval-rate',
    description:
      'Drift of the rate: intervals of 100 ms against a baseline of 1000 ± 100 ms alarm at the first interval (z = −9 > h 5).',
    rules: {
      actions: allowTrade,
      drift: { numeric: [{ id: 'pace', action: 'trade.*', source: 'interval_ms', mean: 1000, sd: 100 }] },
    },
    observations: [obs('t1', 'trade.open', 0), obs('t2', 'trade.open', 1000), obs('t3', 'trade.open', 1100)],
    verdicts: [expect('t1'), expect('t2'), expect('t3', ['pace:drift'])],
  },
  {
    id: 'drift-action-mix',
    description:
      'A 10-action window of only trade.open against a baseline of half opens, half closes has JS divergence 0.311 > 0.2.',
    rules: {
      actions: allowTrade,
      drift: { mix: [{ id: 'mix', baseline: { 'trade.open': 1, 'trade.close': 1 }, window: 10, threshold: 0.2 }] },
    },
    observations: Array.from({ length: 10 }, (_, i) => obs(`t${i}`, 'trade.open', i)),
    verdicts: [...Array.from({ length: 9 }, (_, i) => expect(`t${i}`)), expect('t9', ['mix:drift'])],
  },
  {
    id: 'escalation-human-approval',
    description: 'Escalation maps budget_exceeded to require_human_approval: the decision is escalate.',
    rules: {
      actions: allowTrade,
      budgets: [{ id: 'exposure', action: 'trade.*', param: 'notional', max: 10 }],
      escalation: { budget_exceeded: ['alert', 'require_human_approval'] },
    },
    observations: [obs('t1', 'trade.open', 0, { notional: 11 })],
    verdicts: [expect('t1', ['exposure:budget_exceeded'], ['alert', 'require_human_approval'], 'escalate')],
  },
  {
    id: 'escalation-record-only',
    description: 'Escalation maps unlisted_action to record: the violation is reported but the action is allowed.',
    rules: { actions: { ...allowTrade }, escalation: { unlisted_action: ['record'] } },
    observations: [obs('t1', 'wire.out', 0)],
    verdicts: [expect('t1', ['actions.unlisted:unlisted_action'], ['record'], 'allow')],
  },
  {
    id: 'escalation-trip-breaker',
    description: 'trip_breaker and request_emergency_override block; responses are listed mildest first.',
    rules: {
      actions: allowTrade,
      escalation: { unlisted_action: ['request_emergency_override', 'trip_breaker', 'alert'] },
    },
    observations: [obs('t1', 'wire.out', 0)],
    verdicts: [
      expect(
        't1',
        ['actions.unlisted:unlisted_action'],
        ['alert', 'trip_breaker', 'request_emergency_override'],
        'block',
      ),
    ],
  },
  {
    id: 'escalation-drift-blocks',
    description: 'A profile may make drift blocking: the drifting action is then blocked.',
    rules: {
      actions: allowTrade,
      drift: { numeric: [{ id: 'd', action: '*', source: 'param', param: 'n', mean: 0, sd: 1, h: 3 }] },
      escalation: { drift: ['block'] },
    },
    observations: [obs('t1', 'trade.open', 0, { n: 10 })],
    verdicts: [expect('t1', ['d:drift'], ['block'], 'block')],
  },
  {
    id: 'violations-ordered',
    description:
      'Several violations of one action are listed by rule kind (actions, parameters, scopes, sequences, rates, budgets, drift), then profile order.',
    rules: {
      actions: { unlisted: 'allow', rules: [{ id: 'deny-x', effect: 'deny', pattern: 'x.*' }] },
      parameters: [
        { id: 'p2', action: '*', param: 'b', check: 'range', max: 1 },
        { id: 'p1', action: 'x.*', param: 'a', check: 'range', max: 1 },
      ],
      budgets: [{ id: 'budget', action: '*', param: 'a', max: 1 }],
      scopes: [{ id: 'sc', action: '*', allowed: [] }],
    },
    observations: [obs('t1', 'x.y', 0, { a: 2, b: 2 }, { scopes: ['s'] })],
    verdicts: [
      expect('t1', [
        'deny-x:forbidden_action',
        'p2:parameter_out_of_range',
        'p1:parameter_out_of_range',
        'sc:scope_violation',
        'budget:budget_exceeded',
      ]),
    ],
  },
  {
    id: 'time-never-goes-back',
    description:
      'Observe mode: an observation stamped earlier than the latest is judged at the latest time, so it cannot escape a rate window.',
    mode: 'observe',
    rules: { actions: allowTrade, rates: [{ id: 'rate', action: 'trade.*', max: 1, window_ms: 1000 }] },
    observations: [obs('t1', 'trade.open', 5000), obs('t2', 'trade.open', 0)],
    verdicts: [expect('t1'), expect('t2', ['rate:rate_exceeded'])],
  },
  {
    id: 'rules-duplicate-id',
    description: 'Two rules with one id are refused when the profile is compiled.',
    rules: {
      actions: {
        rules: [
          { id: 'a', effect: 'allow', pattern: 'x' },
          { id: 'a', effect: 'deny', pattern: 'y' },
        ],
      },
    },
    observations: [],
    error: 'ERR_BV_RULES_INVALID',
  },
  {
    id: 'rules-unsafe-regex',
    description: 'A nested quantifier ((a+)+) could backtrack exponentially and is refused.',
    rules: { parameters: [{ id: 'p', action: '*', param: 'v', check: 'pattern', regex: '(a+)+b', max_length: 64 }] },
    observations: [],
    error: 'ERR_BV_RULES_INVALID',
  },
  {
    id: 'rules-unsafe-regex-hidden-alternation',
    description:
      'A repetition of a group whose alternatives match the same text ((?:(?:a|a))*) backtracks exponentially, even though no quantifier is nested; refused.',
    rules: {
      parameters: [{ id: 'p', action: '*', param: 'v', check: 'pattern', regex: '(?:(?:a|a))*b', max_length: 64 }],
    },
    observations: [],
    error: 'ERR_BV_RULES_INVALID',
  },
  {
    id: 'rules-unsafe-regex-adjacent-repetitions',
    description: 'Adjacent repetitions that can match the same characters (a*a*a*a*) backtrack polynomially; refused.',
    rules: {
      parameters: [{ id: 'p', action: '*', param: 'v', check: 'pattern', regex: 'a*a*a*a*b', max_length: 1024 }],
    },
    observations: [],
    error: 'ERR_BV_RULES_INVALID',
  },
  {
    id: 'rules-unsafe-regex-bounded-repetitions',
    description:
      'Chained bounded repetitions (a{0,1000} eight times) backtrack polynomially though each is bounded; refused.',
    rules: {
      parameters: [
        { id: 'p', action: '*', param: 'v', check: 'pattern', regex: `${'a{0,1000}'.repeat(8)}b`, max_length: 1024 },
      ],
    },
    observations: [],
    error: 'ERR_BV_RULES_INVALID',
  },
  {
    id: 'rules-range-inverted',
    description: 'A range whose min is above its max is refused.',
    rules: { parameters: [{ id: 'p', action: '*', param: 'v', check: 'range', min: '2', max: '1.5' }] },
    observations: [],
    error: 'ERR_BV_RULES_INVALID',
  },
  {
    id: 'observation-invalid',
    description: 'An observation missing its jti is refused with ERR_BV_OBSERVATION_INVALID.',
    rules: {},
    observations: [{ wid: 'wf-1', iss: 'a', exec_act: 'x', pred: [], time_ms: T0 }],
    error: 'ERR_BV_OBSERVATION_INVALID',
  },
];

/** Every evaluation vector as `{ path, json }`: the path from the repository root and the exact file text. */
export function behavioralVerificationVectors(): { path: string; json: string }[] {
  return SPECS.map((s) => {
    const vector = {
      id: s.id,
      description: s.description,
      package: 'behavioral-verification',
      kind: 'bv-monitor-evaluate',
      keys: {},
      now: NOW,
      input: { rules: s.rules, observations: s.observations },
      options: s.mode ? { mode: s.mode } : {},
      expected: s.error ? { result: 'invalid', error: s.error } : { result: 'valid', verdicts: s.verdicts },
    };
    return { path: `spec-vectors/behavioral-verification/${s.id}.json`, json: `${JSON.stringify(vector, null, 2)}\n` };
  });
}
