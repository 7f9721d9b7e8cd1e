/**
 * How many normative rules of the specifications have at least one conformance vector.
 * `npx tsx scripts/spec-rule-coverage.ts [root] [--uncovered]`.
 *
 * A rule is a statement of docs/spec/{core,ect,behavioral-verification,cascade-prevention}.md (a sentence, list item
 * or table row outside code blocks) that says MUST, MUST NOT or SHALL, or names an `ERR_` code. A vector cites
 * sections in its description (`core.md §5.4`, `ect.md §7.2 step 3`, `§5.2–§5.4`; a bare `§2.1` is its own
 * package's specification; an unnumbered heading by its title). A rule is covered when a vector cites its section,
 * one of its subsections or an enclosing section, and, when the rule names codes, such a vector expects one of them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SPECS = ['core.md', 'ect.md', 'behavioral-verification.md', 'cascade-prevention.md'];
/** The specification of each vector package, for citations that name no document. */
const PACKAGE_SPEC: Record<string, string> = {
  core: 'core.md',
  'behavioral-verification': 'behavioral-verification.md',
  'cascade-prevention': 'cascade-prevention.md',
};
/** Kinds whose vectors cite nothing: the section that makes them normative (spec-vectors/README.md, Kinds). */
const KIND_SECTION: Record<string, [string, string]> = {
  'bv-monitor-evaluate': ['behavioral-verification.md', 'Rules, monitor and drift'],
};

interface Rule {
  doc: string;
  /** Ids of the enclosing headings, outermost first: the number (`7.2`) or, unnumbered, the title. */
  sections: string[];
  text: string;
  codes: string[];
}

const RULE = /\bMUST\b|\bSHALL\b|\bERR_[A-Z0-9_]+/;

function headingId(title: string): string {
  return /^(\d+(?:\.\d+)*)\.?\s/.exec(title)?.[1] ?? title.trim();
}

/** Splits a specification into rules, each with its heading stack. */
function rulesOf(doc: string, text: string): { rules: Rule[]; titles: string[] } {
  const rules: Rule[] = [];
  const titles: string[] = [];
  const stack: string[] = [];
  let inCode = false;
  let paragraph: string[] = [];
  const flush = () => {
    const joined = paragraph.join(' ');
    paragraph = [];
    for (const sentence of joined.split(/(?<=[.;:])\s+(?=[A-Z`*(])/)) add(sentence);
  };
  const add = (unit: string) => {
    if (!RULE.test(unit)) return;
    rules.push({ doc, sections: [...stack], text: unit.trim(), codes: unit.match(/\bERR_[A-Z0-9_]+/g) ?? [] });
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) {
      flush();
      inCode = !inCode;
      continue;
    }
    if (inCode) continue;
    const heading = /^(#{2,6})\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      const level = heading[1]!.length - 2;
      stack.length = level;
      stack.push(headingId(heading[2]!));
      if (!/^\d/.test(heading[2]!)) titles.push(heading[2]!.trim());
    } else if (line.startsWith('|')) {
      flush();
      if (!/^\|[\s|:-]+\|$/.test(line)) add(line);
    } else if (line.trim() === '' || /^\s*(?:[-*]|\d+\.)\s/.test(line)) {
      flush();
      if (line.trim() !== '') paragraph.push(line);
    } else {
      paragraph.push(line);
    }
  }
  flush();
  return { rules, titles };
}

interface Citation {
  doc: string;
  section: string;
}

/** The sections a description cites. */
function citationsOf(description: string, pkg: string, titles: Map<string, string[]>): Citation[] {
  const out: Citation[] = [];
  let doc: string | null = PACKAGE_SPEC[pkg] ?? null;
  const token = /([a-z-]+\.md)|(RFC \d+)|§(\d+(?:\.\d+)*)(?:\s*[–-]\s*§?(\d+(?:\.\d+)*))?/g;
  for (const m of description.matchAll(token)) {
    if (m[1]) doc = m[1];
    else if (m[2]) doc = null;
    else if (doc && m[3]) {
      out.push({ doc, section: m[3] });
      if (m[4]) {
        const from = m[3].split('.').map(Number);
        const to = m[4].split('.').map(Number);
        const prefix = from.slice(0, -1).join('.');
        for (let n = from.at(-1)! + 1; n <= to.at(-1)!; n++)
          out.push({ doc, section: prefix ? `${prefix}.${n}` : `${n}` });
      }
    }
  }
  for (const [d, list] of titles) {
    for (const title of list) if (title.length > 5 && description.includes(title)) out.push({ doc: d, section: title });
  }
  return out;
}

const args = process.argv.slice(2);
const root = args.find((a) => !a.startsWith('--')) ?? fileURLToPath(new URL('..', import.meta.url));
const all: Rule[] = [];
const titles = new Map<string, string[]>();
for (const doc of SPECS) {
  const parsed = rulesOf(doc, readFileSync(join(root, 'docs/spec', doc), 'utf8'));
  all.push(...parsed.rules);
  titles.set(doc, parsed.titles);
}

/** Per cited (doc, section): the codes its vectors expect ('' for a valid outcome). */
const cited = new Map<string, Set<string>>();
const vectorDir = join(root, 'spec-vectors');
for (const pkg of readdirSync(vectorDir, { withFileTypes: true }).filter((e) => e.isDirectory())) {
  for (const file of readdirSync(join(vectorDir, pkg.name)).filter((f) => f.endsWith('.json'))) {
    const v = JSON.parse(readFileSync(join(vectorDir, pkg.name, file), 'utf8'));
    const citations = citationsOf(v.description, pkg.name, titles);
    const fallback = KIND_SECTION[v.kind];
    if (citations.length === 0 && fallback) citations.push({ doc: fallback[0], section: fallback[1] });
    for (const c of citations) {
      const key = `${c.doc} ${c.section}`;
      if (!cited.has(key)) cited.set(key, new Set());
      cited.get(key)!.add(v.expected.error ?? '');
    }
  }
}

/** The codes expected by vectors citing a section or one of its subsections. */
function codesCiting(doc: string, section: string): Set<string> | undefined {
  let out: Set<string> | undefined;
  for (const [key, codes] of cited) {
    if (key === `${doc} ${section}` || key.startsWith(`${doc} ${section}.`)) out = new Set([...(out ?? []), ...codes]);
  }
  return out;
}

/** Cited in its own section, an enclosing one or a subsection, by a vector expecting one of its codes if it names any. */
function covered(rule: Rule): boolean {
  const own = rule.sections.length - 1;
  return rule.sections.some((s, i) => {
    const codes = i === own ? codesCiting(rule.doc, s) : cited.get(`${rule.doc} ${s}`);
    return codes !== undefined && (rule.codes.length === 0 || rule.codes.some((c) => codes.has(c)));
  });
}

let total = 0;
let withVector = 0;
for (const doc of SPECS) {
  const rules = all.filter((r) => r.doc === doc);
  const done = rules.filter(covered);
  total += rules.length;
  withVector += done.length;
  console.log(`${doc}: ${done.length} of ${rules.length} rules have a vector`);
  if (args.includes('--uncovered')) {
    for (const r of rules.filter((x) => !covered(x)))
      console.log(`  §${r.sections.at(-1) ?? '-'}: ${r.text.slice(0, 110)}`);
  }
}
console.log(`all: ${withVector} of ${total} rules have a vector`);
