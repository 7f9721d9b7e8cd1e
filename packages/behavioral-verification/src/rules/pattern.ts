/**
 * Action patterns: an `exec_act` name where `*` stands for any run of characters (also none), everything else is
 * literal. `trade.*` matches `trade.open` and `trade.close.partial`; `*` matches every action. Patterns compile to
 * a matcher without regular expressions, so matching is linear in practice and cannot backtrack without bound.
 */

/** A compiled action pattern. */
export interface ActionMatcher {
  /** The pattern text as written. */
  readonly pattern: string;
  /** True when the pattern has no `*`: it matches exactly one name, itself. */
  readonly exact: boolean;
  /** Whether `action` matches. */
  readonly test: (action: string) => boolean;
}

/** Compiles a pattern (see the module description). */
export function compilePattern(pattern: string): ActionMatcher {
  const parts = pattern.split('*');
  if (parts.length === 1) return { pattern, exact: true, test: (a) => a === pattern };
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1).filter((p) => p.length > 0);
  const minLength = first.length + last.length;
  const test = (a: string): boolean => {
    if (a.length < minLength || !a.startsWith(first) || !a.endsWith(last)) return false;
    let at = first.length;
    const end = a.length - last.length;
    for (const part of middle) {
      const found = a.indexOf(part, at);
      if (found === -1 || found + part.length > end) return false;
      at = found + part.length;
    }
    return true;
  };
  return { pattern, exact: false, test };
}
