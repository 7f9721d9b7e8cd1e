import { describe, expect, it } from 'vitest';
import { codeOf } from '../../../../test-support/codes.js';
import { type Clock, epochSeconds, fixedClock, readClock } from '../../src/index.js';

describe('readClock', () => {
  it('gives a valid reading as it is, and epochSeconds its whole seconds', () => {
    expect(readClock(fixedClock(1_767_225_600_999))).toBe(1_767_225_600_999);
    expect(epochSeconds(fixedClock(1_767_225_600_999))).toBe(1_767_225_600);
    expect(readClock(fixedClock(0))).toBe(0);
    expect(readClock(fixedClock(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses readings that would turn time comparisons off, and clocks that are not clocks', () => {
    const broken = [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      -1,
      2 ** 53,
      1e20,
      '1767225600000',
      undefined,
      null,
      10n,
    ];
    for (const value of broken) {
      const clock = { now: () => value } as unknown as Clock;
      expect(codeOf(() => readClock(clock))).toBe('ERR_INPUT_INVALID');
      expect(codeOf(() => epochSeconds(clock))).toBe('ERR_INPUT_INVALID');
    }
    for (const clock of [{}, null, undefined, { now: 5 }])
      expect(codeOf(() => readClock(clock as unknown as Clock))).toBe('ERR_INPUT_INVALID');
  });
});
