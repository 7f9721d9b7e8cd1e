/**
 * JSON read as strictly as the COSE form's CBOR. `JSON.parse` keeps the last of two members with one name and
 * cannot report it, so two parties can read one signed text differently; it also puts no bound on nesting. RFC 7519
 * §4 lets a JWT parser reject duplicate claim names (RFC 7515 §4 the same for headers), and Safety Net does, in
 * headers and claims alike, at any depth.
 *
 * Design: `JSON.parse` first (it checks the syntax, natively), then one pass over the now known-valid text that
 * tracks the open containers, the member names of each open object, and the depth. The pass is iterative and
 * linear in the text; it holds at most one name set per open object, so its memory is bounded by the text. The
 * well-kept parsers that see duplicates are AST parsers (such as momoa) that build a second tree of the whole text
 * with its own nesting behaviour: a scan of a few dozen lines over text `JSON.parse` accepted is the smaller thing to
 * trust, and it is tested against `JSON.parse`.
 */

/** Why a JSON text was refused. */
export type StrictJsonProblem =
  | { readonly kind: 'syntax'; readonly cause: unknown }
  | { readonly kind: 'too-deep' }
  | { readonly kind: 'duplicate'; readonly name: string }
  | { readonly kind: 'reserved'; readonly name: string };

/** The parsed value, or the first problem found. */
export type StrictJsonResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly problem: StrictJsonProblem };

/** A member name that would set a prototype if a consumer copied the object by assignment. */
const RESERVED_NAME = '__proto__';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

/**
 * Parses `text` as JSON, refusing a member name used twice in one object, a `__proto__` member, and nesting of
 * objects and arrays more than `maxDepth` levels deep (the top-level value is level 0).
 *
 * @example
 * ```ts
 * parseStrictJson('{"a":1,"\\u0061":2}', 32); // { ok: false, problem: { kind: 'duplicate', name: 'a' } }
 * ```
 */
export function parseStrictJson(text: string, maxDepth: number): StrictJsonResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    return { ok: false, problem: { kind: 'syntax', cause } };
  }
  const problem = scanMembers(text, maxDepth);
  return problem ? { ok: false, problem } : { ok: true, value };
}

/** The first problem in valid JSON `text`, or undefined. */
function scanMembers(text: string, maxDepth: number): StrictJsonProblem | undefined {
  // One entry per open container: the names seen so far for an object, null for an array.
  const open: (Set<string> | null)[] = [];
  let expectName = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      open.push(c === OPEN_OBJECT ? new Set() : null);
      if (open.length > maxDepth) return { kind: 'too-deep' };
      expectName = c === OPEN_OBJECT;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      open.pop();
      expectName = false;
    } else if (c === COMMA) {
      expectName = open[open.length - 1] !== null;
    } else if (c === QUOTE) {
      const end = endOfString(text, i);
      if (expectName) {
        const names = open[open.length - 1]!;
        const raw = text.slice(i + 1, end);
        // Escapes make two spellings of one name (`"a"`, `"\u0061"`): compare the decoded names.
        const name = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
        if (name === RESERVED_NAME) return { kind: 'reserved', name };
        if (names.has(name)) return { kind: 'duplicate', name };
        names.add(name);
        expectName = false;
      }
      i = end;
    }
  }
  return undefined;
}

/** Index of the quote closing the string that opens at `start`, in valid JSON. */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  for (let c = text.charCodeAt(i); c !== QUOTE; c = text.charCodeAt(i)) i += c === BACKSLASH ? 2 : 1;
  return i;
}
