import { isSafetyNetError } from '@safety-net/core';
import type { z } from 'zod';
import { bvError } from '../errors.js';
import { compareDecimal, parseDecimal } from './decimal.js';
import { type Rules, RulesSchema } from './schema.js';

/** The rule id violations of an action no rule lists carry (reserved: no rule may use it). */
export const UNLISTED_RULE_ID = 'actions.unlisted';

/** Most action names a mix-drift baseline may list. */
const MAX_MIX_CATEGORIES = 1000;

/**
 * Checks untrusted rules against {@link RulesSchema} and the constraints a schema cannot say: rule ids unique,
 * ranges and lengths with `min ≤ max`, patterns that compile and are safe, a `param` for parameter drift, at most
 * 1000 mix baseline actions. Anything wrong — including input that throws when read — is `ERR_BV_RULES_INVALID`.
 *
 * @example
 * ```ts
 * const rules = parseRules({ actions: { rules: [{ id: 'a1', effect: 'allow', pattern: 'trade.*' }] } });
 * ```
 */
export function parseRules(input: unknown): Rules {
  const rules = readRulesInput(RulesSchema, input, 'rules');
  checkSemantics(rules);
  return rules;
}

/**
 * `input` read through a rules schema (or a part of one, such as a detector's parameters): the first field that
 * does not match, or input that throws when read, is `ERR_BV_RULES_INVALID`.
 */
export function readRulesInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  try {
    const result = schema.safeParse(input);
    if (result.success) return result.data;
    throw bvError('ERR_BV_RULES_INVALID', `${what}: ${result.error.issues[0]?.path.join('.') || 'schema'}`);
  } catch (e) {
    if (isSafetyNetError(e)) throw e;
    throw bvError('ERR_BV_RULES_INVALID', `${what} could not be read`);
  }
}

function fail(detail: string): never {
  throw bvError('ERR_BV_RULES_INVALID', detail);
}

function checkSemantics(rules: Rules): void {
  const ids = new Set<string>([UNLISTED_RULE_ID]);
  const all = [
    ...rules.actions.rules,
    ...rules.parameters,
    ...rules.rates,
    ...rules.budgets,
    ...rules.sequences,
    ...rules.scopes,
    ...rules.drift.numeric,
    ...rules.drift.mix,
  ];
  for (const { id } of all) {
    if (ids.has(id)) fail(`duplicate or reserved rule id ${id}`);
    ids.add(id);
  }
  for (const p of rules.parameters) {
    if (p.check === 'range') {
      if (p.min === undefined && p.max === undefined) fail(`${p.id}: range without min or max`);
      if (
        p.min !== undefined &&
        p.max !== undefined &&
        compareDecimal(parseDecimal(p.min)!, parseDecimal(p.max)!) > 0
      ) {
        fail(`${p.id}: min above max`);
      }
    } else if (p.check === 'length') {
      if (p.min === undefined && p.max === undefined) fail(`${p.id}: length without min or max`);
      if (p.min !== undefined && p.max !== undefined && p.min > p.max) fail(`${p.id}: min above max`);
    }
  }
  for (const d of rules.drift.numeric) {
    if ((d.source === 'param') !== (d.param !== undefined))
      fail(`${d.id}: param is required exactly for source "param"`);
  }
  for (const m of rules.drift.mix) {
    if (Object.keys(m.baseline).length > MAX_MIX_CATEGORIES)
      fail(`${m.id}: more than ${MAX_MIX_CATEGORIES} baseline actions`);
  }
}
