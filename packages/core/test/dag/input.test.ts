import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { codeOf } from '../../../../test-support/codes.js';
import { EctDag } from '../../src/dag/index.js';
import { EctClaimsSchema } from '../../src/ect/claims.js';
import { node } from './nodes.js';

/** What garbage may produce: a shape error, or a DAG verdict when it happens to be well-formed. */
const ALLOWED = new Set([
  'ERR_CLAIMS_INVALID',
  'ERR_ECT_TOO_MANY_PREDECESSORS',
  'ERR_ECT_DUPLICATE_JTI',
  'ERR_ECT_PRED_DUPLICATE',
  'ERR_ECT_PREDECESSOR_MISSING',
  'ERR_ECT_TEMPORAL_ORDER',
  'ERR_ECT_CYCLE',
  'ERR_ECT_WORKFLOW_MISMATCH',
  'ERR_ECT_PREDECESSOR_POLICY',
]);

function seeded(): EctDag {
  const dag = new EctDag();
  dag.insert(node('a'));
  return dag;
}

const revoked = Proxy.revocable({}, {});
revoked.revoke();
const throwingGetter = (key: string) =>
  Object.defineProperty(node('g'), key, {
    get() {
      throw new Error('boom');
    },
    enumerable: true,
  });

describe('EctDag insert on garbage', () => {
  const cases: Array<[string, unknown, string]> = [
    ['null', null, 'ERR_CLAIMS_INVALID'],
    ['a number', 42, 'ERR_CLAIMS_INVALID'],
    ['a string', 'node', 'ERR_CLAIMS_INVALID'],
    ['an array', [], 'ERR_CLAIMS_INVALID'],
    ['an empty object', {}, 'ERR_CLAIMS_INVALID'],
    ['a numeric jti', { ...node('x'), jti: 1 }, 'ERR_CLAIMS_INVALID'],
    ['an empty jti', node(''), 'ERR_CLAIMS_INVALID'],
    ['a 257-character jti', node('j'.repeat(257)), 'ERR_CLAIMS_INVALID'],
    ['a missing wid', { ...node('x'), wid: undefined }, 'ERR_CLAIMS_INVALID'],
    ['a 1025-character exec_act', node('x', [], { exec_act: 'e'.repeat(1025) }), 'ERR_CLAIMS_INVALID'],
    ['an empty iss', node('x', [], { iss: '' }), 'ERR_CLAIMS_INVALID'],
    ['a negative iat', node('x', [], { iat: -1 }), 'ERR_CLAIMS_INVALID'],
    ['a fractional iat', node('x', [], { iat: 1.5 }), 'ERR_CLAIMS_INVALID'],
    ['a NaN iat', node('x', [], { iat: Number.NaN }), 'ERR_CLAIMS_INVALID'],
    ['a string iat', { ...node('x'), iat: '1000' }, 'ERR_CLAIMS_INVALID'],
    ['an unsafe iat', node('x', [], { iat: 2 ** 60 }), 'ERR_CLAIMS_INVALID'],
    ['pred as a string', { ...node('x'), pred: 'a' }, 'ERR_CLAIMS_INVALID'],
    ['pred with a number', { ...node('x'), pred: ['a', 3] }, 'ERR_CLAIMS_INVALID'],
    ['pred with an empty id', node('x', ['']), 'ERR_CLAIMS_INVALID'],
    ['pred as a huge sparse array', { ...node('x'), pred: new Array(10_000_000) }, 'ERR_ECT_TOO_MANY_PREDECESSORS'],
    ['ect_ext as an array', { ...node('x'), ect_ext: [] }, 'ERR_CLAIMS_INVALID'],
    ['ect_ext as null', { ...node('x'), ect_ext: null }, 'ERR_CLAIMS_INVALID'],
    ['ect_ext as a Date', { ...node('x'), ect_ext: new Date() }, 'ERR_CLAIMS_INVALID'],
    ['a throwing jti getter', throwingGetter('jti'), 'ERR_CLAIMS_INVALID'],
    ['a throwing pred getter', throwingGetter('pred'), 'ERR_CLAIMS_INVALID'],
    [
      'a throwing pol_decision getter',
      { ...node('x', ['a']), ect_ext: throwingGetter('pol_decision') },
      'ERR_CLAIMS_INVALID',
    ],
    ['a revoked proxy', revoked.proxy, 'ERR_CLAIMS_INVALID'],
    [
      'a proxy for pred',
      {
        ...node('x'),
        pred: new Proxy(['a'], {
          get: () => {
            throw new Error('trap');
          },
        }),
      },
      'ERR_CLAIMS_INVALID',
    ],
  ];
  for (const [name, input, code] of cases) {
    it(`refuses ${name} with ${code}`, () => {
      const dag = seeded();
      expect(codeOf(() => dag.insert(input as never))).toBe(code);
      expect(dag.topologicalOrder()).toEqual(['a']);
    });
  }

  it('accepts verified EctClaims as they are, extra claims and all', () => {
    const claims = EctClaimsSchema.parse({
      iss: 'spiffe://example/agent',
      aud: ['x'],
      iat: 1000,
      exp: 1300,
      jti: '0b0e0f0a-0000-4000-8000-000000000001',
      wid: 'wf',
      exec_act: 'review',
      pred: [],
      ect_ext: { pol_decision: 'approved' },
    });
    const dag = new EctDag();
    dag.insert(claims);
    expect(dag.get(claims.jti)).toMatchObject({
      iss: claims.iss,
      exec_act: 'review',
      ect_ext: { pol_decision: 'approved' },
    });
  });

  it('throws only typed errors, and changes nothing when it throws (property)', () => {
    fc.assert(
      fc.property(fc.anything({ withObjectString: true, withNullPrototype: true, withSparseArray: true }), (input) => {
        const dag = seeded();
        const code = codeOf(() => dag.insert(input as never));
        if (code !== 'no error') {
          expect(ALLOWED).toContain(code);
          expect(dag.size).toBe(1);
        }
      }),
      { numRuns: 1000 },
    );
  });

  /** Field values near the edges of the schema, valid and invalid. */
  const idArb = fc.oneof(
    fc.string({ maxLength: 3 }),
    fc.constantFrom('', 'x'.repeat(256), 'x'.repeat(257)),
    fc.integer(),
    fc.constant(null),
  );
  const nodeArb = fc.record(
    {
      jti: idArb,
      wid: idArb,
      iss: idArb,
      exec_act: fc.oneof(idArb, fc.constantFrom('e'.repeat(1024), 'e'.repeat(1025))),
      iat: fc.oneof(
        fc.integer({ min: -5, max: 5 }),
        fc.double(),
        fc.constantFrom(2 ** 53, 2 ** 53 - 1, -0),
        fc.string({ maxLength: 2 }),
      ),
      pred: fc.oneof(fc.array(idArb, { maxLength: 4 }), fc.string({ maxLength: 2 }), fc.constant(null)),
      ect_ext: fc.oneof(
        fc.constant(undefined),
        fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
        fc.constantFrom(null, [], 'x', 1),
      ),
    },
    { requiredKeys: [] },
  );
  const schema = z.pick(EctClaimsSchema, {
    jti: true,
    wid: true,
    iss: true,
    exec_act: true,
    iat: true,
    pred: true,
    ect_ext: true,
  });

  it('accepts exactly the node shapes the EctClaims zod schema accepts (property, second implementation)', () => {
    fc.assert(
      fc.property(nodeArb, (input) => {
        const shapeOk = codeOf(() => new EctDag().insert(input as never)) !== 'ERR_CLAIMS_INVALID';
        expect(shapeOk).toBe(schema.safeParse(input).success);
      }),
      { numRuns: 1000 },
    );
  });
});
