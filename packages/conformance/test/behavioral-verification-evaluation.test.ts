import { readdirSync, readFileSync } from 'node:fs';
import { type EvaluationVector, runEvaluationVector } from '@safety-net/behavioral-verification/testing';
import { describe, expect, it } from 'vitest';
import { behavioralVerificationVectors } from '../src/generate/index.js';

const dir = new URL('../../../spec-vectors/behavioral-verification/', import.meta.url);
// The directory also holds the message vectors (other kinds); these tests are about the evaluation vectors.
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .filter((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')).kind === 'bv-monitor-evaluate')
  .sort();

describe('behavioral-verification evaluation vectors', () => {
  it('has at least 30 vectors covering every violation class', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    const classes = new Set<string>();
    for (const f of files) {
      const v = JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as EvaluationVector;
      if (v.expected.result === 'valid')
        for (const x of v.expected.verdicts) for (const y of x.violations) classes.add(y.class);
    }
    expect([...classes].sort()).toEqual([
      'budget_exceeded',
      'drift',
      'forbidden_action',
      'parameter_not_allowed',
      'parameter_out_of_range',
      'rate_exceeded',
      'scope_violation',
      'sequence_violation',
      'unlisted_action',
    ]);
  });

  it.each(files)('%s', (f) => {
    const v = JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as EvaluationVector;
    const { passed, actual } = runEvaluationVector(v);
    expect(actual).toEqual(v.expected);
    expect(passed).toBe(true);
  });

  it('the generator reproduces the checked-in files byte for byte, none missing or left over', () => {
    const generated = behavioralVerificationVectors();
    expect(generated.map((g) => g.path.split('/').pop()).sort()).toEqual(files);
    for (const g of generated) expect(readFileSync(new URL(g.path.split('/').pop()!, dir), 'utf8')).toBe(g.json);
  });

  it('a vector whose expectation is wrong does not pass', () => {
    const v = JSON.parse(readFileSync(new URL('rate-limit.json', dir), 'utf8')) as EvaluationVector;
    const wrong = { ...v, expected: { result: 'invalid', error: 'ERR_BV_RULES_INVALID' } } as EvaluationVector;
    expect(runEvaluationVector(wrong).passed).toBe(false);
  });
});
