/**
 * `ov-action-digest` vectors (override-protocol.md §4.2, vectors 11–12 of §13): actions → RFC 8785 canonical bytes
 * → SHA-256. The RFC's own examples are used where an action can carry them (strings, literals, member order); the
 * generator checks its canonical output against the RFC's published text before writing a vector.
 */
import { canonicalJson, toHex, utf8 } from '@safety-net/core';
import { actionDigest } from '@safety-net/override-protocol';
import type { Vector } from '../../format.js';
import { invalid, vector } from '../common.js';

interface Case {
  id: string;
  description: string;
  action: object;
  /** The canonical text a published source gives, checked before the vector is written. */
  published?: string;
  error?: string;
}

/** RFC 8785 §3.2.3: property sorting by UTF-16 code units. */
const RFC8785_SORTING = {
  '\u20ac': 'Euro Sign',
  '\r': 'Carriage Return',
  '\ufb33': 'Hebrew Letter Dalet With Dagesh',
  '1': 'One',
  '\ud83d\ude00': 'Emoji: Grinning Face',
  '\u0080': 'Control',
  '\u00f6': 'Latin Small Letter O With Diaeresis',
};
const RFC8785_SORTING_TEXT =
  '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
  '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}';
/** RFC 8785 §3.2.2 without its numbers: string escaping and literals. */
const RFC8785_STRINGS = { string: '\u20ac$\u000F\u000aA\'\u0042\u0022\u005c\\"/', literals: [null, true, false] };
const RFC8785_STRINGS_TEXT = '{"literals":[null,true,false],"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}';

const action = (name: string, params: object) => ({ name, params });
const nest = (depth: number): object => (depth === 0 ? {} : { d: nest(depth - 1) });

const CASES: Case[] = [
  {
    id: 'action-digest-stop',
    description: 'The action of a stop: its canonical form is 27 bytes, its digest the one §4.2 gives.',
    action: action('stop', {}),
    published: '{"name":"stop","params":{}}',
  },
  {
    id: 'action-digest-key-order-unicode',
    description:
      'Members sorted by UTF-16 code units at every level, the RFC 8785 §3.2.3 example as parameters (override-protocol.md §4.2).',
    action: action('pharmacy.label', RFC8785_SORTING),
    published: `{"name":"pharmacy.label","params":${RFC8785_SORTING_TEXT}}`,
  },
  {
    id: 'action-digest-string-escapes',
    description:
      'String escaping per RFC 8785 §3.2.2.2 (its §3.2.2 example without numbers): only " \\ and controls are escaped, € and / are not.',
    action: action('pharmacy.note', RFC8785_STRINGS),
    published: `{"name":"pharmacy.note","params":${RFC8785_STRINGS_TEXT}}`,
  },
  {
    id: 'action-digest-control-characters',
    description:
      'Controls below U+0020 use the short escapes \\b \\t \\n \\f \\r where JSON has them and \\u00xx (lower-case hex) otherwise; U+007F is not escaped (RFC 8785 §3.2.2.2).',
    action: action('log.write', { text: '\u0000\u0008\u0009\u000a\u000c\u000d\u001f\u007f' }),
    published: '{"name":"log.write","params":{"text":"\\u0000\\b\\t\\n\\f\\r\\u001f\u007f"}}',
  },
  {
    id: 'action-digest-integers',
    description:
      'Integers serialise as ECMAScript numbers (RFC 8785 §3.2.2.3): no exponent up to 2^53 − 1, negatives with their sign.',
    action: action('inventory.adjust', { counts: [0, -1, 100, 9007199254740991, -9007199254740991] }),
    published: '{"name":"inventory.adjust","params":{"counts":[0,-1,100,9007199254740991,-9007199254740991]}}',
  },
  {
    id: 'action-digest-nested-order',
    description: 'Nested objects are sorted too; arrays keep their order (RFC 8785 §3.2.3).',
    action: action('workflow.plan', { z: [{ b: 1, a: 2 }, 'x'], a: { y: true, x: null } }),
    published: '{"name":"workflow.plan","params":{"a":{"x":null,"y":true},"z":[{"a":2,"b":1},"x"]}}',
  },
  {
    id: 'action-digest-rollback',
    description: 'The action of a rollback with its parameters (override-protocol.md §3.2).',
    action: action('rollback', { root_cause: 'task-dispense-3', scope: 'descendants', known_good: ['task-1'] }),
    published:
      '{"name":"rollback","params":{"known_good":["task-1"],"root_cause":"task-dispense-3","scope":"descendants"}}',
  },
  {
    id: 'action-digest-takeover',
    description: 'The action of a takeover: member order is the code-unit order, not the order written.',
    action: action('takeover', { to: 'mailto:nurse@example.org', task: 'task-dispense-4' }),
    published: '{"name":"takeover","params":{"task":"task-dispense-4","to":"mailto:nurse@example.org"}}',
  },
  {
    id: 'action-digest-depth-16',
    description: 'Parameters nested 16 deep (the params object counted) are accepted (override-protocol.md §4).',
    action: action('deep', nest(15)),
  },
  {
    id: 'action-digest-fraction-refused',
    description:
      'The numbers of the RFC 8785 §3.2.2 example: json-value admits no fractions (decimals are strings), so the action is refused (override-protocol.md §4).',
    action: action('dose.set', { numbers: [333333333.3333333, 4.5, 0.002] }),
    error: 'ERR_CLAIMS_INVALID',
  },
  {
    id: 'action-digest-too-deep',
    description: 'Parameters nested 17 deep: over the depth of 16 (override-protocol.md §4).',
    action: action('deep', nest(16)),
    error: 'ERR_CLAIMS_INVALID',
  },
  {
    id: 'action-digest-extra-member',
    description: 'An action has exactly name and params: another member is refused (override-protocol.md §4.1).',
    action: { ...action('stop', {}), category: 0 },
    error: 'ERR_CLAIMS_INVALID',
  },
  {
    id: 'action-digest-empty-name',
    description: 'An action name is 1 to 256 characters (override-protocol.md §4.6).',
    action: action('', {}),
    error: 'ERR_CLAIMS_INVALID',
  },
];

/** `ov-action-digest` vectors. */
export function overrideProtocolActionDigestVectors(): Vector[] {
  return CASES.map((c) => {
    let expected: object = invalid(c.error ?? '');
    if (c.error === undefined) {
      const canonical = canonicalJson(c.action);
      if (c.published !== undefined && toHex(canonical) !== toHex(utf8(c.published))) {
        throw new Error(`${c.id}: the canonical form differs from the published one`);
      }
      expected = { result: 'valid', canonical_hex: toHex(canonical), digest: actionDigest(c.action as never) };
    }
    return {
      ...vector({
        id: c.id,
        description: c.description,
        kind: 'ov-action-digest',
        input: { action: c.action },
        options: {},
        expected,
      }),
      package: 'override-protocol',
    };
  });
}
