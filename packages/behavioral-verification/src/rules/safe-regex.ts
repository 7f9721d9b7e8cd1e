import { bvError } from '../errors.js';

/** Longest regular expression source a profile may carry. */
export const MAX_REGEX_SOURCE = 256;
/** Most unbounded quantifiers (`*`, `+`, `{n,}`) in one expression. */
export const MAX_UNBOUNDED_QUANTIFIERS = 4;
/** Longest text a safe pattern is run on (parameter values, harness outputs): the bound below is stated for it. */
export const MAX_REGEX_INPUT = 1024;

/**
 * Compiles a parameter or harness pattern, anchored at both ends, admitting only patterns a backtracking engine
 * matches in O(n·m) steps for a text of n characters and a pattern of m (O(n²·m) with the one overlapping repetition
 * allowed below). The admitted language:
 *
 * - valid `u`-mode syntax of at most {@link MAX_REGEX_SOURCE} characters made of characters, escapes, classes, `.`,
 *   the assertions `^`, `$`, `\b`, `\B`, capturing, named and non-capturing groups, `|` and the quantifiers `?`, `*`,
 *   `+`, `{n}`, `{n,}`, `{n,m}`, greedy or lazy; no backreference, lookaround or other group;
 * - a quantifier applies to a part that matches one fixed run of at least one character, with no quantifier or
 *   alternation inside at any depth (`(?:ab)+`, not `(a|b)+`, `(a+)+` or `(?:ab?)*`);
 * - at most {@link MAX_UNBOUNDED_QUANTIFIERS} unbounded quantifiers;
 * - every choice is decided by the next character. A choice is an alternation (its options: the alternatives) or a
 *   quantifier `{n,m}` with n < m, `?` and `*` included (its options: one more repetition, or going on). An option
 *   starts with the first characters of its alternative or part and, when it can match nothing, with whatever may
 *   follow the choice; these sets are pairwise disjoint, and at most one option can match nothing;
 * - except that one quantifier with a maximum above 1 may overlap what follows it, its part starting like what may
 *   follow (`.*password.*`); a pattern with one holds at most 8 other choices, an alternation counting one per
 *   alternative.
 *
 * Character sets are exact, except that `\p{…}` (and a class holding one) counts as every character; assertions
 * count as matching nothing. Why the bound holds: at each character of the text at most one way through the
 * pattern outlives a look at that character, and finding it visits each part of the pattern at most once. Only the
 * overlapping repetition keeps several ways alive; it is entered once and tried with each of at most n + 1 counts.
 * Anything refused or not valid is `ERR_BV_RULES_INVALID`.
 */
export function compileSafeRegex(source: string): RegExp {
  if (source.length > MAX_REGEX_SOURCE)
    throw bvError('ERR_BV_RULES_INVALID', `pattern longer than ${MAX_REGEX_SOURCE}`);
  try {
    new RegExp(source, 'u'); // alone first: wrapped, `a)|(b` would pass as valid
  } catch {
    throw bvError('ERR_BV_RULES_INVALID', 'pattern is not a valid regular expression');
  }
  new Checker().run(new Parser(source).parse());
  return new RegExp(`^(?:${source})$`, 'u');
}

function refuse(why: string): never {
  throw bvError('ERR_BV_RULES_INVALID', `unsafe pattern: ${why}`);
}

/** A set of code points as sorted, disjoint, non-adjacent inclusive ranges [lo, hi]. */
type Chars = readonly (readonly [number, number])[];

const MAX_CODE_POINT = 0x10ffff;
const ANY: Chars = [[0, MAX_CODE_POINT]];
const DIGIT: Chars = [[0x30, 0x39]];
const WORD: Chars = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
];
const SPACE: Chars = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];
const LINE_TERMINATORS: Chars = [
  [0x0a, 0x0a],
  [0x0d, 0x0d],
  [0x2028, 0x2029],
];
const CLASS_ESCAPES = new Map<string, Chars>([
  ['d', DIGIT],
  ['D', complement(DIGIT)],
  ['w', WORD],
  ['W', complement(WORD)],
  ['s', SPACE],
  ['S', complement(SPACE)],
]);
const CHARACTER_ESCAPES = new Map([
  ['t', 0x09],
  ['n', 0x0a],
  ['v', 0x0b],
  ['f', 0x0c],
  ['r', 0x0d],
  ['0', 0],
]);

function single(c: number): Chars {
  return [[c, c]];
}

function union(a: Chars, b: Chars): Chars {
  const all = [...a, ...b].sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of all) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function complement(a: Chars): Chars {
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of a) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

function overlaps(a: Chars, b: Chars): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i]![1] < b[j]![0]) i++;
    else if (b[j]![1] < a[i]![0]) j++;
    else return true;
  }
  return false;
}

/** A pattern part with the facts the checks need: whether it can match nothing, what it can start with. */
interface Part {
  readonly nullable: boolean;
  readonly first: Chars;
  /** Characters matched when the part matches one fixed run of them (no quantifier or alternation), else -1. */
  readonly width: number;
  readonly node: Seq | Alt | Repeat | undefined;
}
interface Seq {
  readonly kind: 'seq';
  readonly items: readonly Part[];
}
interface Alt {
  readonly kind: 'alt';
  readonly branches: readonly Part[];
}
interface Repeat {
  readonly kind: 'repeat';
  readonly body: Part;
  readonly min: number;
  readonly max: number;
}

const NOTHING: Part = { nullable: true, first: [], width: 0, node: undefined };

function char(chars: Chars): Part {
  return { nullable: false, first: chars, width: 1, node: undefined };
}

/** Recursive descent over a source already known to be valid `u`-mode syntax, by code point. */
class Parser {
  private readonly cps: number[];
  private i = 0;

  constructor(source: string) {
    this.cps = Array.from(source, (c) => c.codePointAt(0)!);
  }

  parse(): Part {
    return this.alternation();
  }

  private peek(offset = 0): string {
    const c = this.cps[this.i + offset];
    return c === undefined ? '' : String.fromCodePoint(c);
  }

  private alternation(): Part {
    const branches = [this.sequence()];
    while (this.peek() === '|') {
      this.i++;
      branches.push(this.sequence());
    }
    if (branches.length === 1) return branches[0]!;
    return {
      nullable: branches.some((b) => b.nullable),
      first: branches.reduce<Chars>((acc, b) => union(acc, b.first), []),
      width: -1,
      node: { kind: 'alt', branches },
    };
  }

  private sequence(): Part {
    const items: Part[] = [];
    while (this.i < this.cps.length && this.peek() !== '|' && this.peek() !== ')')
      items.push(this.quantified(this.atom()));
    let nullable = true;
    let first: Chars = [];
    let width = 0;
    for (const p of items) {
      if (nullable) first = union(first, p.first);
      nullable &&= p.nullable;
      width = width < 0 || p.width < 0 ? -1 : width + p.width;
    }
    return { nullable, first, width, node: { kind: 'seq', items } };
  }

  private quantified(body: Part): Part {
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === '*' || c === '+' || c === '?') {
      this.i++;
      min = c === '+' ? 1 : 0;
      max = c === '?' ? 1 : Number.POSITIVE_INFINITY;
    } else if (c === '{') {
      this.i++;
      min = this.number();
      max = min;
      if (this.peek() === ',') {
        this.i++;
        max = this.peek() === '}' ? Number.POSITIVE_INFINITY : this.number();
      }
      this.i++; // '}'
    } else {
      return body;
    }
    if (this.peek() === '?') this.i++; // lazy: the same choices, tried in the other order
    if (body.width < 1)
      refuse('a quantified part must match one fixed run of characters (no quantifier or alternation inside)');
    return { nullable: min === 0, first: body.first, width: -1, node: { kind: 'repeat', body, min, max } };
  }

  private number(): number {
    let digits = '';
    while (/[0-9]/.test(this.peek())) digits += String.fromCodePoint(this.cps[this.i++]!);
    return Number(digits);
  }

  private atom(): Part {
    const c = this.peek();
    this.i++;
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return char(this.charClass());
      case '.':
        return char(complement(LINE_TERMINATORS));
      case '^':
      case '$':
        return NOTHING;
      case '\\': {
        const e = this.peek();
        if (e === 'b' || e === 'B') {
          this.i++;
          return NOTHING;
        }
        return char(this.escape());
      }
      default:
        return char(single(this.cps[this.i - 1]!));
    }
  }

  private group(): Part {
    if (this.peek() === '?') {
      const kind = this.peek(1);
      if (kind === ':') this.i += 2;
      else if (kind === '<' && this.peek(2) !== '=' && this.peek(2) !== '!') {
        while (this.peek() !== '>') this.i++;
        this.i++;
      } else if (kind === '=' || kind === '!' || kind === '<') refuse('lookaround');
      else refuse('unsupported group');
    }
    const inner = this.alternation();
    this.i++; // ')'
    return inner;
  }

  private charClass(): Chars {
    const negated = this.peek() === '^';
    if (negated) this.i++;
    let set: Chars = [];
    let unknown = false;
    while (this.peek() !== ']') {
      const lo = this.classAtom();
      if (this.peek() === '-' && this.peek(1) !== ']') {
        this.i++;
        const hi = this.classAtom();
        set = union(set, [[lo[0]![0], hi[0]![1]]]);
      } else if (lo === ANY) {
        unknown = true;
      } else {
        set = union(set, lo);
      }
    }
    this.i++;
    // A member judged as "any character" cannot be negated: the class then counts as any character.
    if (unknown) return ANY;
    return negated ? complement(set) : set;
  }

  private classAtom(): Chars {
    const c = this.cps[this.i++]!;
    if (c !== 0x5c) return single(c);
    if (this.peek() === 'b') {
      this.i++;
      return single(8); // backspace, in a class
    }
    return this.escape();
  }

  /** The characters of an escape, the backslash already read; `ANY` for a property escape. */
  private escape(): Chars {
    const e = this.peek();
    this.i++;
    const set = CLASS_ESCAPES.get(e);
    if (set) return set;
    const c = CHARACTER_ESCAPES.get(e);
    if (c !== undefined) return single(c);
    switch (e) {
      case 'p':
      case 'P':
        while (this.peek() !== '}') this.i++;
        this.i++;
        return ANY;
      case 'c':
        return single(this.cps[this.i++]! % 32);
      case 'x':
        return single(this.hex(2));
      case 'u':
        return single(this.unicodeEscape());
      default:
        if (/[1-9k]/.test(e)) refuse('backreference');
        return single(this.cps[this.i - 1]!); // an escaped syntax character
    }
  }

  private hex(digits: number): number {
    const v = Number.parseInt(String.fromCodePoint(...this.cps.slice(this.i, this.i + digits)), 16);
    this.i += digits;
    return v;
  }

  private unicodeEscape(): number {
    if (this.peek() === '{') {
      this.i++;
      const end = this.cps.indexOf(0x7d, this.i);
      const v = this.hex(end - this.i);
      this.i++;
      return v;
    }
    const v = this.hex(4);
    // In `u` mode an escaped surrogate pair is one character.
    if (v >= 0xd800 && v <= 0xdbff && this.peek() === '\\' && this.peek(1) === 'u' && this.peek(2) !== '{') {
      const trail = Number.parseInt(String.fromCodePoint(...this.cps.slice(this.i + 2, this.i + 6)), 16);
      if (trail >= 0xdc00 && trail <= 0xdfff) {
        this.i += 6;
        return 0x10000 + ((v - 0xd800) << 10) + (trail - 0xdc00);
      }
    }
    return v;
  }
}

/**
 * Most choices besides the overlapping repetition in a pattern that has one (an alternation counts one per
 * alternative). Each of its n + 1 tries may look at every choice once per character; this keeps that look short.
 */
const MAX_CHOICES_WITH_OVERLAP = 8;

/**
 * Walks the parsed pattern with what may follow each part, refusing the choices the next character cannot decide.
 * The end of the value needs no place in the follow sets: at most one option of a choice can match nothing, so at
 * most one can reach the end without reading a character.
 */
class Checker {
  private unbounded = 0;
  private overlapping = 0;
  private choices = 0;

  run(root: Part): void {
    this.check(root, []);
    if (this.overlapping > 0 && this.choices - 1 > MAX_CHOICES_WITH_OVERLAP) {
      refuse(`more than ${MAX_CHOICES_WITH_OVERLAP} choices besides a repetition that overlaps what follows it`);
    }
  }

  /** `follow`: the characters that may come right after `part`. */
  private check(part: Part, follow: Chars): void {
    const node = part.node;
    if (node?.kind === 'seq') {
      let after = follow;
      for (let k = node.items.length - 1; k >= 0; k--) {
        const item = node.items[k]!;
        this.check(item, after);
        after = item.nullable ? union(item.first, after) : item.first;
      }
    } else if (node?.kind === 'alt') {
      for (const b of node.branches) this.check(b, follow);
      this.choices += node.branches.length;
      if (node.branches.filter((b) => b.nullable).length > 1) refuse('two alternatives can match nothing');
      const starts = node.branches.map((b) => (b.nullable ? union(b.first, follow) : b.first));
      for (let x = 0; x < starts.length; x++) {
        for (let y = x + 1; y < starts.length; y++)
          if (overlaps(starts[x]!, starts[y]!)) refuse('alternatives can start alike');
      }
    } else if (node?.kind === 'repeat') {
      if (node.max === Number.POSITIVE_INFINITY && ++this.unbounded > MAX_UNBOUNDED_QUANTIFIERS)
        refuse('too many unbounded quantifiers');
      if (node.min === node.max) return;
      this.choices++;
      if (!overlaps(node.body.first, follow)) return;
      if (node.max === 1) refuse('an optional part can start like what follows it');
      if (++this.overlapping > 1) refuse('two repetitions can take the same characters');
    }
  }
}
