import { isSafetyNetError } from '@safety-net/core';
import type { z } from 'zod';
import { bvError } from '../errors.js';
import { type Rules, RulesSchema } from './schema.js';

/**
 * Checks untrusted rules against {@link RulesSchema}, which holds every constraint: rule ids unique, ranges and
 * lengths with `min ≤ max`, safe patterns, a `param` for parameter drift, at most 1000 mix baseline actions. Anything
 * wrong — including input that throws when read — is `ERR_BV_RULES_INVALID`.
 *
 * @example
 * ```ts
 * const rules = parseRules({ actions: { rules: [{ id: 'a1', effect: 'allow', pattern: 'trade.*' }] } });
 * ```
 */
export function parseRules(input: unknown): Rules {
  return readRulesInput(RulesSchema, input, 'rules');
}

/**
 * `input` read through a rules schema (or a part of one, such as a detector's parameters): the first field that
 * does not match, or input that throws when read, is `ERR_BV_RULES_INVALID`.
 */
export function readRulesInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  try {
    const result = schema.safeParse(input);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const where = issue?.path.join('.') || 'schema';
    // A constraint between fields says which one it is; zod's own messages add nothing to the path.
    throw bvError(
      'ERR_BV_RULES_INVALID',
      `${what}: ${issue?.code === 'custom' ? `${where}: ${issue.message}` : where}`,
    );
  } catch (e) {
    if (isSafetyNetError(e)) throw e;
    throw bvError('ERR_BV_RULES_INVALID', `${what} could not be read`);
  }
}
