import { snError } from '@safety-net/core';

/** Longest regular expression source a profile may carry. */
export const MAX_REGEX_SOURCE = 256;
/** Most unbounded quantifiers (`*`, `+`, `{n,}`) in one expression. */
export const MAX_UNBOUNDED_QUANTIFIERS = 4;

interface Frame {
  quantified: boolean;
  alternation: boolean;
}

/**
 * Compiles a profile's parameter pattern, anchored at both ends, after refusing the constructs that make a
 * backtracking engine take exponential time on a crafted value: a quantifier on a group that itself holds a
 * quantifier or an alternation (`(a+)+`, `(a|aa)*`), backreferences and lookaround. With the input length cap of
 * the rule this bounds the matching time. Anything refused or not valid `u`-mode syntax is `ERR_BV_RULES_INVALID`.
 */
export function compileSafeRegex(source: string): RegExp {
  if (source.length > MAX_REGEX_SOURCE) throw snError('ERR_BV_RULES_INVALID', `pattern longer than ${MAX_REGEX_SOURCE}`);
  checkStructure(source);
  try {
    return new RegExp(`^(?:${source})$`, 'u');
  } catch {
    throw snError('ERR_BV_RULES_INVALID', 'pattern is not a valid regular expression');
  }
}

function refuse(why: string): never {
  throw snError('ERR_BV_RULES_INVALID', `unsafe pattern: ${why}`);
}

function quantifierAt(s: string, i: number): { length: number; unbounded: boolean } | undefined {
  const c = s[i];
  if (c === '*' || c === '+') return { length: 1, unbounded: true };
  if (c === '?') return { length: 1, unbounded: false };
  if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(i, i + 16));
    if (m) return { length: m[0].length, unbounded: m[2] !== undefined && m[3] === '' };
  }
  return undefined;
}

function checkStructure(s: string): void {
  const stack: Frame[] = [{ quantified: false, alternation: false }];
  let unbounded = 0;
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    let closed: Frame | undefined;
    if (c === '\\') {
      const next = s[i + 1] ?? '';
      if (/[1-9k]/.test(next)) refuse('backreference');
      i += 2;
    } else if (c === '[') {
      i++;
      while (i < s.length && s[i] !== ']') i += s[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '(') {
      if (s.startsWith('(?=', i) || s.startsWith('(?!', i) || s.startsWith('(?<=', i) || s.startsWith('(?<!', i)) {
        refuse('lookaround');
      }
      stack.push({ quantified: false, alternation: false });
      if (s.startsWith('(?:', i)) i += 3;
      else if (s.startsWith('(?<', i)) i = s.indexOf('>', i) === -1 ? s.length : s.indexOf('>', i) + 1;
      else i++;
      continue;
    } else if (c === ')') {
      if (stack.length === 1) refuse('unbalanced parenthesis');
      closed = stack.pop();
      i++;
    } else if (c === '|') {
      stack[stack.length - 1]!.alternation = true;
      i++;
      continue;
    } else {
      i++;
    }
    const q = quantifierAt(s, i);
    const top = stack[stack.length - 1]!;
    if (closed) {
      if (q && (closed.quantified || closed.alternation)) refuse('quantified group holds a quantifier or alternation');
      top.quantified ||= closed.quantified;
    }
    if (q) {
      top.quantified = true;
      if (q.unbounded && ++unbounded > MAX_UNBOUNDED_QUANTIFIERS) refuse('too many unbounded quantifiers');
      i += q.length;
      if (s[i] === '?') i++;
    }
  }
  if (stack.length !== 1) refuse('unbalanced parenthesis');
}
