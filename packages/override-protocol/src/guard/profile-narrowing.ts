import {
  compareDecimal,
  DEFAULT_ESCALATION,
  parseDecimal,
  type Rules,
  VIOLATION_CLASSES,
} from '@safety-net/behavioral-verification';
import { bytesEqual, canonicalJson } from '@safety-net/core';
import { matchesTarget } from '../authority/target-pattern.js';

/**
 * Whether every action an `inner` pattern matches is matched by `outer` (`*` any run of characters). Outer's literal
 * parts hold no `*`, so a `*` of inner can only fall inside a `*` of outer: outer matching inner's text, with its
 * `*`s read as ordinary characters, is exactly inclusion, whatever those `*`s stand for.
 */
export function patternWithin(inner: string, outer: string): boolean {
  return matchesTarget(outer, inner);
}

type Limit = number | string | undefined;
type ParamRule = Rules['parameters'][number];
type Sequence = Rules['sequences'][number];

/** `next` ≤ `current` as an upper bound: no bound only where there was none. */
const atMost = (next: Limit, current: Limit): boolean =>
  current === undefined || (next !== undefined && compareDecimal(parseDecimal(next)!, parseDecimal(current)!) <= 0);
/** `next` ≥ `current` as a lower bound. */
const atLeast = (next: Limit, current: Limit): boolean =>
  current === undefined || (next !== undefined && compareDecimal(parseDecimal(next)!, parseDecimal(current)!) >= 0);

/** A parameter rule of the next profile at least as strict as one of the current: same check, no looser bound. */
function paramNarrows(next: ParamRule, current: ParamRule): boolean {
  if (next.param !== current.param || !patternWithin(current.action, next.action)) return false;
  if (current.required && !next.required) return false;
  switch (current.check) {
    case 'range':
    case 'length':
      return next.check === current.check && atLeast(next.min, current.min) && atMost(next.max, current.max);
    case 'enum':
      return next.check === 'enum' && next.values.every((v) => current.values.includes(v));
    case 'pattern':
      return next.check === 'pattern' && next.regex === current.regex && next.max_length <= current.max_length;
  }
}

/** A sequence rule at least as strict: it covers as many actions, and asks for less likely (or forbids more) work. */
function sequenceNarrows(next: Sequence, current: Sequence): boolean {
  if (next.kind !== current.kind || !patternWithin(current.action, next.action)) return false;
  if (current.kind === 'requires') {
    // A direct predecessor is also an ancestor: `predecessor` is the stricter requirement.
    return (
      patternWithin(next.after, current.after) &&
      (current.relation === 'ancestor' || next.relation === current.relation)
    );
  }
  return (
    patternWithin(current.after, next.after) &&
    (current.relation === 'predecessor' || next.relation === current.relation)
  );
}

/** The same JSON apart from the rule id, which names a rule but does not change what it detects. */
function sameRule<T extends { id: string }>(a: T, b: T): boolean {
  const { id: _a, ...x } = a;
  const { id: _b, ...y } = b;
  return bytesEqual(canonicalJson(x), canonicalJson(y));
}

/**
 * The first way the `next` profile's rules would let the agent do what the `current` ones do not, or `undefined`
 * when `next` narrows `current` (override-protocol spec §8.1): every action `next` allows `current` allowed, every
 * rule of `current` has in `next` one at least as strict (a limit at most as high, an allowed set a subset, a deny
 * or a window covering at least as many actions), every drift rule is kept, and every violation is answered with at
 * least the responses it had. The comparison is of rules, rule by rule: a `next` that restricts as much by other
 * means is refused, which errs towards the profile in force.
 */
export function wideningOf(next: Rules, current: Rules): string | undefined {
  const na = next.actions;
  const ca = current.actions;
  if (ca.unlisted === 'deny') {
    if (na.unlisted !== 'deny') return 'unlisted actions become allowed';
    const allowed = ca.rules.filter((r) => r.effect === 'allow');
    const wider = na.rules.find(
      (r) => r.effect === 'allow' && !allowed.some((c) => patternWithin(r.pattern, c.pattern)),
    );
    if (wider) return `action rule ${wider.id} allows more than the current profile`;
  }
  const denies = na.rules.filter((r) => r.effect === 'deny');
  for (const c of ca.rules) {
    if (c.effect === 'deny' && !denies.some((n) => patternWithin(c.pattern, n.pattern))) {
      return `deny rule ${c.id} is not kept`;
    }
  }
  for (const c of current.parameters) {
    if (!next.parameters.some((n) => paramNarrows(n, c))) return `parameter rule ${c.id} is loosened or dropped`;
  }
  for (const c of current.rates) {
    const kept = next.rates.some(
      (n) => patternWithin(c.action, n.action) && n.max <= c.max && n.window_ms >= c.window_ms,
    );
    if (!kept) return `rate rule ${c.id} is loosened or dropped`;
  }
  for (const c of current.budgets) {
    // Values may be negative (a close lowers the sum): only the same actions over the same window compare.
    const kept = next.budgets.some(
      (n) => n.action === c.action && n.param === c.param && n.window_ms === c.window_ms && atMost(n.max, c.max),
    );
    if (!kept) return `budget rule ${c.id} is loosened or dropped`;
  }
  for (const c of current.sequences) {
    if (!next.sequences.some((n) => sequenceNarrows(n, c))) return `sequence rule ${c.id} is loosened or dropped`;
  }
  for (const c of current.scopes) {
    const kept = next.scopes.some(
      (n) => patternWithin(c.action, n.action) && n.allowed.every((a) => c.allowed.some((ca) => patternWithin(a, ca))),
    );
    if (!kept) return `scope rule ${c.id} is loosened or dropped`;
  }
  for (const c of [...current.drift.numeric, ...current.drift.mix]) {
    const kept = [...next.drift.numeric, ...next.drift.mix].some((n) => sameRule<{ id: string }>(n, c));
    if (!kept) return `drift rule ${c.id} is changed or dropped`;
  }
  for (const v of VIOLATION_CLASSES) {
    const had = current.escalation[v] ?? DEFAULT_ESCALATION[v];
    const has = next.escalation[v] ?? DEFAULT_ESCALATION[v];
    const lost = had.find((r) => !has.includes(r));
    if (lost) return `${v} is no longer answered with ${lost}`;
  }
  return undefined;
}
