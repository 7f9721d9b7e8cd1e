import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { codeOf } from '../../../../test-support/codes.js';
import {
  CWT_LABELS,
  cwtLabels,
  DAG_LINK_LABELS,
  DagLinkShape,
  dagNodeOf,
  defineMessageType,
  EpochSecondsSchema,
  ect,
  IdentifierSchema,
} from '../../src/index.js';

const NodeSchema = z.object({ iss: IdentifierSchema, iat: EpochSecondsSchema, ...DagLinkShape, n: z.number() });
type Node = z.infer<typeof NodeSchema>;
const labels = { ...cwtLabels('iss', 'iat'), ...DAG_LINK_LABELS, n: 'n' } as const;

describe('defineMessageType defaults', () => {
  it('derives the COSE and JOSE typ from the name when none is given', () => {
    const t = defineMessageType<Node>({ name: 'demo-node', description: 'd', schema: NodeSchema, labels });
    expect([t.typ, t.jws]).toEqual(['application/demo-node+cwt', { typ: 'demo-node+jwt' }]);
    expect(t.dag).toBeUndefined();
  });

  it('keeps explicit typs, and has no JOSE form when told so', () => {
    const t = defineMessageType<Node>({
      name: 'x',
      description: 'd',
      typ: 'application/y+cwt',
      jws: false,
      schema: NodeSchema,
      labels,
    });
    expect([t.typ, t.jws]).toEqual(['application/y+cwt', undefined]);
    expect([ect.typ, ect.jws?.typ, ect.jws?.acceptTyp]).toEqual([
      'application/exec+cwt',
      'exec+jwt',
      ['wimse-exec+jwt'],
    ]);
  });
});

describe('claim labels', () => {
  it('are the RFC 8392 labels, jti as cti; cwtLabels picks by name', () => {
    expect(cwtLabels('iss', 'sub', 'aud', 'exp', 'nbf', 'iat')).toEqual({
      iss: 1,
      sub: 2,
      aud: 3,
      exp: 4,
      nbf: 5,
      iat: 6,
    });
    expect(DAG_LINK_LABELS).toEqual({ jti: CWT_LABELS.jti, wid: 'wid', pred: 'pred' });
    expect(CWT_LABELS.jti[0]).toBe(7);
  });
});

describe('dagNodeOf', () => {
  const claims: Node = { iss: 'agent', iat: 10, jti: 't2', wid: 'w', pred: ['t1'], n: 3 };

  it('gives the node of a DAG-node type under its declared exec_act, with the declared ect_ext', () => {
    const plain = defineMessageType<Node>({
      name: 'p',
      description: 'd',
      schema: NodeSchema,
      labels,
      dag: { execAct: 'demo.p' },
    });
    expect(dagNodeOf(plain, claims)).toEqual({
      jti: 't2',
      wid: 'w',
      iat: 10,
      iss: 'agent',
      exec_act: 'demo.p',
      pred: ['t1'],
    });
    const withExt = defineMessageType<Node>({
      name: 'e',
      description: 'd',
      schema: NodeSchema,
      labels,
      dag: { execAct: 'demo.e', ext: (c) => ({ n: c.n }) },
    });
    expect(dagNodeOf(withExt, claims).ect_ext).toEqual({ n: 3 });
  });

  it('refuses a type that is not a DAG node', () => {
    const t = defineMessageType<Node>({ name: 'q', description: 'd', schema: NodeSchema, labels });
    expect(codeOf(() => dagNodeOf(t, claims))).toBe('ERR_MESSAGE_TYPE_UNKNOWN');
  });
});
