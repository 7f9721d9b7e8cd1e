import { isSafetyNetError } from '@safety-net/core';
import * as z from 'zod';
import type { ReadonlyDeep } from '../readonly-deep.js';
import { compareDecimal, parseDecimal } from './decimal.js';
import { compileSafeRegex, MAX_REGEX_INPUT } from './safe-regex.js';

/**
 * The rules part of a Behavioral Profile, as zod schemas: what an agent may do, with which parameters, how often,
 * in which order and on which data, what counts as drift, and how each class of violation is answered. The signed
 * Profile message carries these rules; `compileProfile` turns them into a monitor's index.
 */

/** The kinds of violation a monitor reports; escalation rules map each to responses. */
export const VIOLATION_CLASSES = [
  'forbidden_action',
  'unlisted_action',
  'parameter_out_of_range',
  'parameter_not_allowed',
  'rate_exceeded',
  'budget_exceeded',
  'sequence_violation',
  'scope_violation',
  'drift',
] as const;

/** What the deployment does about a violation, mildest first. */
export const RESPONSES = [
  'record',
  'alert',
  'require_human_approval',
  'block',
  'trip_breaker',
  'request_emergency_override',
] as const;

/** One violation class. */
export const ViolationClassSchema = z.enum(VIOLATION_CLASSES);
/** A violation class. */
export type ViolationClass = z.infer<typeof ViolationClassSchema>;

/** One response. */
export const ResponseSchema = z.enum(RESPONSES);
/** A response to a violation. */
export type Response = z.infer<typeof ResponseSchema>;

/** The rule id violations of an action no rule lists carry (reserved: no rule may use it). */
export const UNLISTED_RULE_ID = 'actions.unlisted';

/** Most action names a mix-drift baseline may list. */
const MAX_MIX_CATEGORIES = 1000;

/** The id violations name a rule by; unique within a profile. */
export const RuleIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'rule id');

/** An `exec_act` pattern: `*` is any run of characters (see `compilePattern`). */
export const ActionPatternSchema = z.string().min(1).max(1024);

/** An exact number: a safe integer, or a decimal string such as `"1000000"` or `"-0.25"`. */
export const DecimalValueSchema = z.union([
  z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
  z.string().regex(/^-?\d{1,30}(\.\d{1,30})?$/, 'decimal string'),
]);

/** Milliseconds of a sliding window: 1 ms to 366 days. */
const WindowMsSchema = z
  .number()
  .int()
  .min(1)
  .max(366 * 86_400_000);

/** Allows or forbids the actions matching `pattern`; a matching deny always wins over any allow. */
export const ActionRuleSchema = z
  .object({ id: RuleIdSchema, effect: z.enum(['allow', 'deny']), pattern: ActionPatternSchema })
  .strict();

/** Action allow/deny lists; `unlisted` decides actions no rule matches (default `deny`: an allow-list). */
export const ActionsSchema = z
  .object({
    unlisted: z.enum(['allow', 'deny']).default('deny'),
    rules: z.array(ActionRuleSchema).max(10_000).default([]),
  })
  .strict();

const paramBase = {
  id: RuleIdSchema,
  action: ActionPatternSchema,
  param: z.string().min(1).max(128),
  /** When true, an action without the parameter violates the rule (`parameter_not_allowed`). */
  required: z.boolean().default(false),
};

/**
 * A parameter pattern in the safe language of `compileSafeRegex`. Checked by the schema itself, so that a signed
 * profile carrying an unsafe pattern is refused when it is verified, not only later by the monitor.
 */
const SafeRegexSchema = z
  .string()
  .min(1)
  .refine(
    (source) => {
      try {
        compileSafeRegex(source);
        return true;
      } catch (e) {
        if (isSafetyNetError(e)) return false;
        throw e;
      }
    },
    { message: 'not a safe regular expression' },
  );

/** A parameter constraint on the actions matching `action`: a range, an enum, a pattern or a length. */
export const ParameterRuleSchema = z.discriminatedUnion('check', [
  z
    .object({
      ...paramBase,
      check: z.literal('range'),
      min: DecimalValueSchema.optional(),
      max: DecimalValueSchema.optional(),
    })
    .strict(),
  z
    .object({
      ...paramBase,
      check: z.literal('enum'),
      values: z
        .array(
          z.union([
            z.string().max(1024),
            z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
            z.boolean(),
          ]),
        )
        .min(1)
        .max(1000),
    })
    .strict(),
  z
    .object({
      ...paramBase,
      check: z.literal('pattern'),
      regex: SafeRegexSchema,
      max_length: z.number().int().min(1).max(MAX_REGEX_INPUT),
    })
    .strict(),
  z
    .object({
      ...paramBase,
      check: z.literal('length'),
      min: z.number().int().min(0).max(1_000_000).optional(),
      max: z.number().int().min(0).max(1_000_000).optional(),
    })
    .strict(),
]);

/** At most `max` matching actions in any sliding window of `window_ms` (the window is `(t − window_ms, t]`). */
export const RateRuleSchema = z
  .object({
    id: RuleIdSchema,
    action: ActionPatternSchema,
    max: z.number().int().min(1).max(100_000),
    window_ms: WindowMsSchema,
  })
  .strict();

/**
 * The sum of numeric parameter `param` over matching actions in the window (the monitor's whole life when
 * `window_ms` is absent, e.g. open exposure) may not exceed `max`. Values may be negative (a close reduces it).
 */
export const BudgetRuleSchema = z
  .object({
    id: RuleIdSchema,
    action: ActionPatternSchema,
    param: z.string().min(1).max(128),
    max: DecimalValueSchema,
    window_ms: WindowMsSchema.optional(),
  })
  .strict();

/**
 * Ordering over the ECT DAG. `requires`: an action matching `action` needs a predecessor (`relation:
 * "predecessor"`, direct) or ancestor (default) matching `after`. `forbids`: it may not have one (A → B banned).
 */
export const SequenceRuleSchema = z
  .object({
    id: RuleIdSchema,
    kind: z.enum(['requires', 'forbids']),
    action: ActionPatternSchema,
    after: ActionPatternSchema,
    relation: z.enum(['predecessor', 'ancestor']).default('ancestor'),
  })
  .strict();

/** Data-access scopes: every scope an action matching `action` declares must match one of `allowed`. */
export const ScopeRuleSchema = z
  .object({ id: RuleIdSchema, action: ActionPatternSchema, allowed: z.array(ActionPatternSchema).max(1000) })
  .strict();

/**
 * The parameters of a numeric detector, one range definition for drift rules and for detectors built directly:
 * the baseline (`sd` > 0), the slack (CUSUM `k`, Page–Hinkley δ) and the threshold (CUSUM `h`, Page–Hinkley λ), in
 * baseline standard deviations, and the values before any alarm.
 */
const driftBaseline = { mean: z.number().finite(), sd: z.number().finite().positive() };
const driftSlack = z.number().finite().min(0).max(100).default(0.5);
const driftThreshold = z.number().finite().positive().max(10_000).default(5);
const driftMinSamples = z.number().int().min(0).max(1_000_000).default(0);

/**
 * Drift on a numeric stream of the matching actions: a parameter, the latency, or the interval between them (a
 * rate). `mean`/`sd` are the baseline; CUSUM takes `k` (slack) and `h` (threshold), Page–Hinkley `k` (δ) and `h`
 * (λ), all in baseline standard deviations. No alarm before `min_samples` values.
 */
export const NumericDriftRuleSchema = z
  .object({
    id: RuleIdSchema,
    action: ActionPatternSchema,
    source: z.enum(['param', 'latency_ms', 'interval_ms']),
    param: z.string().min(1).max(128).optional(),
    method: z.enum(['cusum', 'page_hinkley']).default('cusum'),
    ...driftBaseline,
    k: driftSlack,
    h: driftThreshold,
    min_samples: driftMinSamples,
  })
  .strict();

/** The options of `Cusum`: a CUSUM rule's parameters, by their camel-case names. */
export const CusumOptionsSchema = z.object({
  ...driftBaseline,
  k: driftSlack,
  h: driftThreshold,
  minSamples: driftMinSamples,
});

/** The options of `PageHinkley`: a Page–Hinkley rule's parameters, `k` as `delta` and `h` as `lambda`. */
export const PageHinkleyOptionsSchema = z.object({
  ...driftBaseline,
  delta: driftSlack,
  lambda: driftThreshold,
  minSamples: driftMinSamples,
});

/**
 * The parameters of the action-mix test: baseline weights (their sum positive and finite, so that they normalise),
 * window length and threshold. One range definition for mix rules and for detectors built directly.
 */
const mixDetector = {
  baseline: z.record(z.string().min(1).max(1024), z.number().finite().nonnegative()).refine((b) => {
    const total = Object.values(b).reduce((s, w) => s + w, 0);
    return total > 0 && Number.isFinite(total);
  }, 'baseline weights must have a positive, finite sum'),
  window: z.number().int().min(10).max(100_000),
  threshold: z.number().finite().positive().max(1),
};

/**
 * Drift of the action mix: Jensen–Shannon divergence (base 2, 0…1) between the last `window` actions and the
 * baseline frequencies of `baseline` (action name → weight; other actions count as one "other" category). Alarm
 * when the window is full and the divergence exceeds `threshold`.
 */
export const MixDriftRuleSchema = z.object({ id: RuleIdSchema, ...mixDetector }).strict();

/** The options of `MixDivergence`: a mix rule's parameters (other members, such as a rule's `id`, are ignored). */
export const MixDivergenceOptionsSchema = z.object(mixDetector);

/** Escalation: violation class → responses. Classes not listed take the defaults of `DEFAULT_ESCALATION`. */
export const EscalationSchema = z.partialRecord(ViolationClassSchema, z.array(ResponseSchema).min(1).max(6));

/** The rules' fields, each checked on its own. */
const RulesFieldsSchema = z
  .object({
    actions: ActionsSchema.default({ unlisted: 'deny', rules: [] }),
    parameters: z.array(ParameterRuleSchema).max(10_000).default([]),
    rates: z.array(RateRuleSchema).max(10_000).default([]),
    budgets: z.array(BudgetRuleSchema).max(10_000).default([]),
    sequences: z.array(SequenceRuleSchema).max(10_000).default([]),
    scopes: z.array(ScopeRuleSchema).max(10_000).default([]),
    drift: z
      .object({
        numeric: z.array(NumericDriftRuleSchema).max(1000).default([]),
        mix: z.array(MixDriftRuleSchema).max(100).default([]),
      })
      .strict()
      .default({ numeric: [], mix: [] }),
    escalation: EscalationSchema.default({}),
  })
  .strict();

/** The rules of a Behavioral Profile: their fields and the constraints between them. */
export const RulesSchema = RulesFieldsSchema.check((payload) => {
  // Zod goes on to the object's checks after some field issues (a string off its pattern); the constraints read
  // the fields as their types say, so they apply only once every field is valid.
  if (payload.issues.length === 0) checkRuleConstraints(payload.value, payload.issues);
});

/**
 * The constraints a field's own schema cannot say: rule ids unique (and not the reserved one), ranges and lengths
 * with a bound and `min ≤ max`, a `param` exactly for parameter drift, at most 1000 mix baseline actions. Part of the
 * rules schema, so that a signed profile breaking one is refused when it is verified, not only later by the monitor.
 */
function checkRuleConstraints(rules: z.output<typeof RulesFieldsSchema>, issues: z.core.$ZodRawIssue[]): void {
  const fail = (path: (string | number)[], message: string) =>
    issues.push({ code: 'custom', input: rules, path, message });
  const ids = new Set<string>([UNLISTED_RULE_ID]);
  const lists = [
    [['actions', 'rules'], rules.actions.rules],
    [['parameters'], rules.parameters],
    [['rates'], rules.rates],
    [['budgets'], rules.budgets],
    [['sequences'], rules.sequences],
    [['scopes'], rules.scopes],
    [['drift', 'numeric'], rules.drift.numeric],
    [['drift', 'mix'], rules.drift.mix],
  ] as const;
  for (const [path, list] of lists) {
    list.forEach(({ id }, i) => {
      if (ids.has(id)) fail([...path, i, 'id'], `duplicate or reserved rule id ${id}`);
      ids.add(id);
    });
  }
  rules.parameters.forEach((p, i) => {
    if (p.check !== 'range' && p.check !== 'length') return;
    if (p.min === undefined && p.max === undefined) fail(['parameters', i], `${p.check} without min or max`);
    else if (p.min !== undefined && p.max !== undefined && !inOrder(p.min, p.max)) {
      fail(['parameters', i, 'max'], 'min above max');
    }
  });
  rules.drift.numeric.forEach((d, i) => {
    if ((d.source === 'param') !== (d.param !== undefined)) {
      fail(['drift', 'numeric', i, 'param'], 'param is required exactly for source "param"');
    }
  });
  rules.drift.mix.forEach((m, i) => {
    if (Object.keys(m.baseline).length > MAX_MIX_CATEGORIES) {
      fail(['drift', 'mix', i, 'baseline'], `more than ${MAX_MIX_CATEGORIES} baseline actions`);
    }
  });
}

/** `min ≤ max`, exactly: both are decimals the schema admitted (integers or decimal strings). */
function inOrder(min: number | string, max: number | string): boolean {
  return compareDecimal(parseDecimal(min)!, parseDecimal(max)!) <= 0;
}

/** Rules as written (defaults may be left out; read-only literals welcome): what `compileProfile` takes. */
export type RulesInput = ReadonlyDeep<z.input<typeof RulesSchema>>;
/** Rules with every default filled in. */
export type Rules = z.output<typeof RulesSchema>;
/** One parameter constraint. */
export type ParameterRule = z.output<typeof ParameterRuleSchema>;
/** One numeric drift rule. */
export type NumericDriftRule = z.output<typeof NumericDriftRuleSchema>;
/** One action-mix drift rule. */
export type MixDriftRule = z.output<typeof MixDriftRuleSchema>;

/** Responses for classes the escalation rules leave out: hard violations block, drift alerts. */
export const DEFAULT_ESCALATION: Readonly<Record<ViolationClass, readonly Response[]>> = {
  forbidden_action: ['block'],
  unlisted_action: ['block'],
  parameter_out_of_range: ['block'],
  parameter_not_allowed: ['block'],
  rate_exceeded: ['block'],
  budget_exceeded: ['block'],
  sequence_violation: ['block'],
  scope_violation: ['block'],
  drift: ['alert'],
};
