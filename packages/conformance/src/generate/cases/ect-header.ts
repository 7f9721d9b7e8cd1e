import type { Vector } from '../../format.js';
import { invalid, vector } from '../common.js';

type Token = { format: 'jws'; jws: string } | { format: 'cose'; cose_hex: string };

const jws = (token: string): Token => ({ format: 'jws', jws: token });
const cose = (hex: string): Token => ({ format: 'cose', cose_hex: hex });

/** A compact JWS as it travels (its parts are not checked here: that is verification's work, core.md §6.9). */
const JWS_A = 'eyJhbGciOiJFZERTQSJ9.eyJqdGkiOiJhIn0.c2ln';
const JWS_B = 'eyJhbGciOiJFUzI1NiJ9.eyJqdGkiOiJiIn0.c2lnMg';
/** A COSE element: base64url of the bytes d28440a0f640, and those bytes. */
const COSE_B64 = '0oRAoPZA';
const COSE_HEX = 'd28440a0f640';

interface Case {
  id: string;
  description: string;
  lines: string[];
  tokens?: Token[];
  error?: string;
}

const MAX = 65_536;

const CASES: Case[] = [
  {
    id: 'ect-header-jws',
    description: 'One compact JWS: two dots make it the JWT form, carried as it is (ect.md §8 step 5).',
    lines: [JWS_A],
    tokens: [jws(JWS_A)],
  },
  {
    id: 'ect-header-cose',
    description:
      'One element without dots is the COSE form: unpadded base64url of the COSE_Sign1 bytes (ect.md §8 step 5).',
    lines: [COSE_B64],
    tokens: [cose(COSE_HEX)],
  },
  {
    id: 'ect-header-mixed-forms',
    description:
      'JWT and COSE elements in one list, separated by ", ", keep their order and each its form (ect.md §8).',
    lines: [`${JWS_A}, ${COSE_B64}, ${JWS_B}`],
    tokens: [jws(JWS_A), cose(COSE_HEX), jws(JWS_B)],
  },
  {
    id: 'ect-header-field-lines',
    description: 'Several field lines are one list in order, as if joined by commas (ect.md §8, RFC 9110 §5.3).',
    lines: [`${COSE_B64}, ${JWS_A}`, JWS_B],
    tokens: [cose(COSE_HEX), jws(JWS_A), jws(JWS_B)],
  },
  {
    id: 'ect-header-absent',
    description: 'No field line at all is an empty list, not an error (ect.md §8).',
    lines: [],
    tokens: [],
  },
  {
    id: 'ect-header-empty-members',
    description:
      'Empty list members, also between spaces and tabs and on a line of their own, are ignored (ect.md §8 step 3, RFC 9110 §5.6.1.2).',
    lines: [`,, \t,${JWS_A},`, ' , ', ''],
    tokens: [jws(JWS_A)],
  },
  {
    id: 'ect-header-ows',
    description: 'Spaces and tabs around an element are optional whitespace and are removed (ect.md §8 step 2).',
    lines: [`\t ${COSE_B64} \t,  ${JWS_A}\t`],
    tokens: [cose(COSE_HEX), jws(JWS_A)],
  },
  {
    id: 'ect-header-other-whitespace',
    description:
      'A no-break space is not optional whitespace: it stays in the element, which is then not base64url (ect.md §8 steps 2 and 5).',
    lines: [`${COSE_B64}\u00a0`],
    error: 'ERR_ECT_HEADER_INVALID',
  },
  {
    id: 'ect-header-inner-space',
    description: 'A space inside an element is not removed: the element is not base64url (ect.md §8 step 5).',
    lines: ['0oRA oPZA'],
    error: 'ERR_ECT_HEADER_INVALID',
  },
  {
    id: 'ect-header-one-dot',
    description: 'An element with one dot is neither form (ect.md §8 step 5).',
    lines: [`${JWS_A}, abc.def`],
    error: 'ERR_ECT_HEADER_INVALID',
  },
  {
    id: 'ect-header-three-dots',
    description: 'An element with three dots is neither form (ect.md §8 step 5).',
    lines: [`${JWS_A}.xyz`],
    error: 'ERR_ECT_HEADER_INVALID',
  },
  {
    id: 'ect-header-jws-unchecked',
    description:
      'Two dots make a JWS element whatever its parts hold; it is checked in full only when verified, so parsing accepts it (ect.md §8 step 5, core.md §6.9).',
    lines: ['a.b!.c'],
    tokens: [jws('a.b!.c')],
  },
  {
    id: 'ect-header-cose-padding',
    description: 'A COSE element with base64 padding is refused: the form is unpadded base64url (ect.md §8 step 5).',
    lines: ['AA=='],
    error: 'ERR_ECT_HEADER_INVALID',
  },
  {
    id: 'ect-header-cose-alphabet',
    description: 'A COSE element in the standard base64 alphabet (+ and /) is refused (ect.md §8 step 5).',
    lines: ['0oRA+/ZA'],
    error: 'ERR_ECT_HEADER_INVALID',
  },
  {
    id: 'ect-header-cose-length',
    description: 'Five base64url characters are a length no base64url text can have (ect.md §8 step 5).',
    lines: ['AAAAA'],
    error: 'ERR_ECT_HEADER_INVALID',
  },
  {
    id: 'ect-header-cose-non-canonical',
    description:
      'AB has non-zero unused bits (AA is the canonical text of the byte 00), so it is refused (ect.md §8 step 5, RFC 4648 §3.5).',
    lines: ['AB'],
    error: 'ERR_ECT_HEADER_INVALID',
  },
  {
    id: 'ect-header-count-at-limit',
    description:
      'Exactly 100 elements, with empty members besides that do not count, are accepted (ect.md §8 steps 3 and 4).',
    lines: [`${Array(100).fill('AA').join(', ')}, , ,`],
    tokens: Array.from({ length: 100 }, () => cose('00')),
  },
  {
    id: 'ect-header-count-over-limit',
    description: '101 elements are refused (ect.md §8 step 4).',
    lines: [Array(50).fill('AA').join(', '), Array(51).fill('AA').join(', ')],
    error: 'ERR_ECT_HEADER_INVALID',
  },
  {
    id: 'ect-header-length-at-limit',
    description: 'Field line values of 65,536 characters in all, whitespace included, are accepted (ect.md §8 step 1).',
    lines: [`AA${' '.repeat(MAX / 2 - 2)}`, ' '.repeat(MAX / 2)],
    tokens: [cose('00')],
  },
  {
    id: 'ect-header-length-over-limit',
    description:
      'Field line values of 65,537 characters in all are refused, though they hold one short element: the limit counts whitespace too (ect.md §8 step 1).',
    lines: [`AA${' '.repeat(MAX / 2 - 2)}`, ' '.repeat(MAX / 2 + 1)],
    error: 'ERR_ECT_HEADER_INVALID',
  },
];

/** `ect-header-parse` vectors: the Execution-Context field split into tokens, its limits and its refusals. */
export function ectHeaderVectors(): Vector[] {
  return CASES.map((c) =>
    vector({
      id: c.id,
      description: c.description,
      kind: 'ect-header-parse',
      input: { field_lines: c.lines },
      options: {},
      expected: c.error ? invalid(c.error) : { result: 'valid', tokens: c.tokens! },
    }),
  );
}
