import { sha256 } from '@noble/hashes/sha2.js';
import { toBase64Url, utf8 } from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import type { CausalRecord } from '../../src/trace/causal-order.js';
import { stitchBack } from '../../src/trace/stitch-back.js';

const HOSPITAL = 'log.hospital.example/audit';
const PHARMACY = 'log.pharmacy.example/audit';
const sent = { rel: 'causes', domain: 'pharmacy.example', log: PHARMACY, ect: 'ect-x' } as const;
const back = { rel: 'caused_by', domain: 'hospital.example', log: HOSPITAL, ect: 'ect-x' } as const;

function peer(stitch: CausalRecord['claims']['stitch'], log = PHARMACY): CausalRecord {
  return {
    claims: {
      iat: 10,
      pred: ['ect-y'],
      ect: { jti: 'ect-y', wid: 'w', iss: 'a', digest: 'x' },
      time: { start: 1 },
      stitch,
    },
    log,
    leafHash: sha256(utf8('peer leaf')),
  };
}

describe('a peer record stitching back', () => {
  it('answers with the converse relation, the same ECT and the sender log', () => {
    expect(stitchBack(sent, HOSPITAL, peer([back]))).toEqual(back);
    const sameTask = { ...sent, rel: 'same_task' } as const;
    expect(stitchBack(sameTask, HOSPITAL, peer([{ ...back, rel: 'same_task' }]))?.rel).toBe('same_task');
  });

  it('does not when the relation, the ECT, either log or the named entry differ', () => {
    expect(stitchBack(sent, HOSPITAL, peer([{ ...back, rel: 'causes' }]))).toBeUndefined();
    expect(stitchBack(sent, HOSPITAL, peer([{ ...back, ect: 'ect-z' }]))).toBeUndefined();
    expect(stitchBack(sent, HOSPITAL, peer([{ ...back, log: 'log.other.example/audit' }]))).toBeUndefined();
    expect(stitchBack(sent, HOSPITAL, peer([back], 'log.other.example/audit'))).toBeUndefined();
    expect(stitchBack(sent, HOSPITAL, peer(undefined))).toBeUndefined();
    const named = peer([back]);
    expect(stitchBack({ ...sent, entry: toBase64Url(named.leafHash) }, HOSPITAL, named)).toEqual(back);
    expect(stitchBack({ ...sent, entry: toBase64Url(sha256(utf8('another'))) }, HOSPITAL, named)).toBeUndefined();
  });
});
