import { mixCategories } from '../drift/divergence.js';
import { type Decimal, parseDecimal } from '../rules/decimal.js';
import { parseRules } from '../rules/parse.js';
import { type ActionMatcher, compilePattern } from '../rules/pattern.js';
import {
  DEFAULT_ESCALATION,
  type Response,
  type Rules,
  type RulesInput,
  VIOLATION_CLASSES,
  type ViolationClass,
} from '../rules/schema.js';
import { compileParamCheck, type ParamCheck } from './param-check.js';
import { PatternIndex } from './pattern-index.js';

/** The rules that apply to one action name, resolved once and cached. Indices are into the profile's lists. */
export interface Applicable {
  /** Index of the first deny rule matching, or -1. */
  readonly deny: number;
  /** True when an allow rule matches or unlisted actions are allowed. */
  readonly listed: boolean;
  readonly params: readonly ParamCheck[];
  readonly scopes: readonly number[];
  readonly sequences: readonly number[];
  readonly rates: readonly number[];
  readonly budgets: readonly number[];
  readonly numeric: readonly number[];
  /** The action's category under each action-mix drift rule (see `mixCategories`). */
  readonly mix: readonly number[];
}

/** Most action names whose applicable rules are cached; the cache starts over when full. */
const CACHE_LIMIT = 10_000;

/**
 * A profile's rules compiled for evaluation: every rule list indexed by action pattern, parameter checks and
 * patterns compiled, decimal limits parsed, escalation resolved. Immutable; one compiled profile may serve any
 * number of monitors. Build it with {@link compileProfile}.
 */
export class CompiledProfile {
  /** The validated rules, defaults filled in. */
  readonly rules: Rules;
  /** Responses of each violation class, the profile's escalation over the defaults. */
  readonly escalation: Readonly<Record<ViolationClass, readonly Response[]>>;
  /** Compiled scope patterns per scope rule. */
  readonly scopeMatchers: readonly (readonly ActionMatcher[])[];
  /** Compiled `after` pattern per sequence rule. */
  readonly sequenceMatchers: readonly ActionMatcher[];
  /** Parsed budget limits. */
  readonly budgetLimits: readonly Decimal[];
  /** Each budget limit as a number when it is an integer of magnitude at most 2^52, for the fast path. */
  readonly budgetLimitInts: readonly (number | undefined)[];
  private readonly allow: PatternIndex;
  private readonly denyIndex: PatternIndex;
  private readonly indexes: Readonly<
    Record<'params' | 'scopes' | 'sequences' | 'rates' | 'budgets' | 'numeric', PatternIndex>
  >;
  private readonly paramChecks: readonly ParamCheck[];
  private readonly mixCategories: readonly ((action: string) => number)[];
  private readonly cache = new Map<string, Applicable>();

  /** Use {@link compileProfile}. */
  constructor(rules: Rules) {
    this.rules = rules;
    const escalation = {} as Record<ViolationClass, readonly Response[]>;
    for (const c of VIOLATION_CLASSES) escalation[c] = rules.escalation[c] ?? DEFAULT_ESCALATION[c];
    this.escalation = escalation;
    const actions = rules.actions.rules;
    this.allow = new PatternIndex(actions.map((r) => (r.effect === 'allow' ? r.pattern : undefined)));
    this.denyIndex = new PatternIndex(actions.map((r) => (r.effect === 'deny' ? r.pattern : undefined)));
    this.indexes = {
      params: new PatternIndex(rules.parameters.map((r) => r.action)),
      scopes: new PatternIndex(rules.scopes.map((r) => r.action)),
      sequences: new PatternIndex(rules.sequences.map((r) => r.action)),
      rates: new PatternIndex(rules.rates.map((r) => r.action)),
      budgets: new PatternIndex(rules.budgets.map((r) => r.action)),
      numeric: new PatternIndex(rules.drift.numeric.map((r) => r.action)),
    };
    this.paramChecks = rules.parameters.map(compileParamCheck);
    this.mixCategories = rules.drift.mix.map((m) => mixCategories(m.baseline));
    this.scopeMatchers = rules.scopes.map((r) => r.allowed.map(compilePattern));
    this.sequenceMatchers = rules.sequences.map((r) => compilePattern(r.after));
    this.budgetLimits = rules.budgets.map((r) => parseDecimal(r.max)!);
    this.budgetLimitInts = this.budgetLimits.map((d) =>
      d.scale === 0 && d.mantissa >= -(2n ** 52n) && d.mantissa <= 2n ** 52n ? Number(d.mantissa) : undefined,
    );
  }

  /** The rules that apply to `action` (exec_act), from the index; cached per action name. */
  applicable(action: string): Applicable {
    const hit = this.cache.get(action);
    if (hit) return hit;
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    const deny = this.denyIndex.match(action)[0] ?? -1;
    const resolved: Applicable = {
      deny,
      listed: this.rules.actions.unlisted === 'allow' || this.allow.match(action).length > 0,
      params: this.indexes.params.match(action).map((i) => this.paramChecks[i]!),
      scopes: this.indexes.scopes.match(action),
      sequences: this.indexes.sequences.match(action),
      rates: this.indexes.rates.match(action),
      budgets: this.indexes.budgets.match(action),
      numeric: this.indexes.numeric.match(action),
      mix: this.mixCategories.map((categoryOf) => categoryOf(action)),
    };
    this.cache.set(action, resolved);
    return resolved;
  }
}

/**
 * Validates rules (see `parseRules`, `ERR_BV_RULES_INVALID`) and compiles them once, so that evaluating an
 * action costs in proportion to the rules that apply to it, not to the size of the profile. The rules are typed for
 * code that writes them; they are checked all the same, and rules read from elsewhere go through `parseRules`
 * first (`compileProfile(parseRules(json))`).
 *
 * @example
 * ```ts
 * const profile = compileProfile({ actions: { rules: [{ id: 'a', effect: 'allow', pattern: 'trade.*' }] } });
 * const monitor = new Monitor(profile);
 * ```
 */
export function compileProfile(rules: RulesInput): CompiledProfile {
  return new CompiledProfile(parseRules(rules));
}
