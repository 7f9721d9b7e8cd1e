/**
 * Whether `target` matches a grant's target pattern, where `*` stands for any run of characters (spec §4.8) and
 * every other character for itself.
 */
export function matchesTarget(pattern: string, target: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === target;
  const first = parts[0]!;
  const last = parts.at(-1)!;
  if (target.length < first.length + last.length || !target.startsWith(first) || !target.endsWith(last)) return false;
  // Greedy left to right: each middle part at its earliest place keeps the most room for the ones after it.
  let at = first.length;
  const end = target.length - last.length;
  for (const part of parts.slice(1, -1)) {
    const found = target.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}
