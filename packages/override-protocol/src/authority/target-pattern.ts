/**
 * Whether `target` matches a grant's target pattern, where `*` stands for any run of characters (spec §4.8) and
 * every other character for itself. The common patterns (one `*`, as `spiffe://example.org/*`) are matched in
 * place, without cutting the pattern into parts.
 */
export function matchesTarget(pattern: string, target: string): boolean {
  const firstStar = pattern.indexOf('*');
  if (firstStar < 0) return pattern === target;
  const lastStar = pattern.lastIndexOf('*');
  const tail = pattern.length - lastStar - 1;
  const end = target.length - tail;
  if (
    end < firstStar ||
    !sameText(pattern, 0, target, 0, firstStar) ||
    !sameText(pattern, lastStar + 1, target, end, tail)
  ) {
    return false;
  }
  // Greedy left to right: each middle part at its earliest place keeps the most room for the ones after it.
  let at = firstStar;
  for (let star = firstStar; star < lastStar; ) {
    const next = pattern.indexOf('*', star + 1);
    const part = pattern.slice(star + 1, next);
    const found = target.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
    star = next;
  }
  return true;
}

/** Whether `a` from `aFrom` and `b` from `bFrom` have the same `length` characters. */
function sameText(a: string, aFrom: number, b: string, bFrom: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (a.charCodeAt(aFrom + i) !== b.charCodeAt(bFrom + i)) return false;
  return true;
}
