import { describe, expect, it } from 'vitest';
import { snError } from '../../src/errors/index.js';
import { optionChecks } from '../../src/util/option-checks.js';

const checks = optionChecks((detail) => snError('ERR_INPUT_INVALID', detail));

/** The detail of the error `f` throws, or 'no error'. */
function detailOf(f: () => unknown): string {
  try {
    f();
    return 'no error';
  } catch (e) {
    return (e as Error).message.replace('input is not in the expected form: ', '');
  }
}

describe('optionChecks', () => {
  it('int: a safe integer in range, the fallback only for undefined', () => {
    expect(checks.int(3, 'n', 1, 5)).toBe(3);
    expect(checks.int(undefined, 'n', 1, 5, 2)).toBe(2);
    for (const bad of [0, 6, 1.5, Number.NaN, '3', null, undefined]) {
      expect(detailOf(() => checks.int(bad, 'n', 1, 5))).toBe('n must be an integer in [1, 5]');
    }
    expect(detailOf(() => checks.int(-1, 'limit', 0, Number.MAX_SAFE_INTEGER))).toBe('limit must be an integer ≥ 0');
  });

  it('number: finite, in range, bounds included unless openLow', () => {
    expect(checks.number(0.5, 'a', { min: 0, max: 1, openLow: true })).toBe(0.5);
    expect(checks.number(undefined, 'a', { min: 0, max: 1 }, 0.2)).toBe(0.2);
    expect(detailOf(() => checks.number(0, 'a', { min: 0, max: 1, openLow: true }))).toBe(
      'a must be a number in (0, 1]',
    );
    expect(detailOf(() => checks.number(Number.NaN, 'a', { min: 0, max: 1 }))).toBe('a must be a number in [0, 1]');
    const unbounded = { min: 0, max: Number.POSITIVE_INFINITY };
    expect(detailOf(() => checks.number(Number.POSITIVE_INFINITY, 's', unbounded))).toBe(
      's must be a finite number ≥ 0',
    );
  });

  it('name, object and fn', () => {
    expect(checks.name('x', 'id')).toBe('x');
    expect(detailOf(() => checks.name('', 'id'))).toBe('id must be a name of 1…256 characters');
    expect(detailOf(() => checks.name('x'.repeat(257), 'id'))).toBe('id must be a name of 1…256 characters');
    expect(checks.object(undefined, 'o')).toEqual({});
    expect(detailOf(() => checks.object([], 'o'))).toBe('o must be an object');
    const f = () => 1;
    expect(checks.fn(undefined, 'f', f)).toBe(f);
    expect(detailOf(() => checks.fn(1, 'f', f))).toBe('f must be a function');
    expect(detailOf(() => checks.invalid('why'))).toBe('why');
  });
});
