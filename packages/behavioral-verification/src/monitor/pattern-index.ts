import { type ActionMatcher, compilePattern } from '../rules/pattern.js';

/**
 * Rules indexed by their action pattern: an exact-name map plus the short list of wildcard patterns, so finding
 * the rules for an action costs one map lookup and one test per wildcard rule, whatever the profile's size.
 */
export class PatternIndex {
  private readonly exact = new Map<string, number[]>();
  private readonly wild: { readonly matcher: ActionMatcher; readonly index: number }[] = [];

  /** Indexes `patterns[i]` as rule `i`; undefined entries are rules of another kind and are left out. */
  constructor(patterns: readonly (string | undefined)[]) {
    patterns.forEach((pattern, index) => {
      if (pattern === undefined) return;
      const matcher = compilePattern(pattern);
      if (!matcher.exact) {
        this.wild.push({ matcher, index });
        return;
      }
      const list = this.exact.get(pattern);
      if (list) list.push(index);
      else this.exact.set(pattern, [index]);
    });
  }

  /** Indices of the rules whose pattern matches `action`, ascending (profile order). */
  match(action: string): number[] {
    const exact = this.exact.get(action);
    const out = exact ? exact.slice() : [];
    let merged = false;
    for (const { matcher, index } of this.wild) {
      if (matcher.test(action)) {
        out.push(index);
        merged = true;
      }
    }
    if (merged && exact) out.sort((a, b) => a - b);
    return out;
  }
}
