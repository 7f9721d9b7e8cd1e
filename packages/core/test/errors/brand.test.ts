import { describe, expect, it } from 'vitest';
import { CborError, isSafetyNetError, SafetyNetError, snError } from '../../src/index.js';

// A second instance of the errors module stands for a second build of core in one process (CJS beside ESM).
const other = (await import(
  /* @vite-ignore */ `${new URL('../../src/errors/classes.ts', import.meta.url).href}?copy`
)) as typeof import('../../src/errors/classes.js');

describe('isSafetyNetError', () => {
  it("recognises another copy's errors by brand, where instanceof cannot", () => {
    const foreign = other.snError('ERR_CBOR_TRUNCATED', 'at byte 3');
    expect(foreign instanceof SafetyNetError).toBe(false);
    expect(isSafetyNetError(foreign)).toBe(true);
    expect(isSafetyNetError(foreign, 'ERR_CBOR_TRUNCATED')).toBe(true);
    expect(isSafetyNetError(foreign, 'ERR_CBOR_TRAILING_BYTES')).toBe(false);
    expect(other.isSafetyNetError(snError('ERR_CBOR_TRUNCATED'))).toBe(true);
  });

  it('recognises its own errors and their codes', () => {
    const e = snError('ERR_CBOR_TRUNCATED');
    expect(e).toBeInstanceOf(CborError);
    expect(isSafetyNetError(e, 'ERR_CBOR_TRUNCATED')).toBe(true);
    expect(isSafetyNetError(e, 'ERR_INPUT_INVALID')).toBe(false);
  });

  it('does not take look-alikes for Safety Net errors', () => {
    const lookAlike = Object.assign(new Error('x'), { code: 'ERR_CBOR_TRUNCATED', family: 'cbor' });
    for (const e of [lookAlike, { code: 'ERR_CBOR_TRUNCATED' }, null, undefined, 'ERR_CBOR_TRUNCATED', 3]) {
      expect(isSafetyNetError(e)).toBe(false);
    }
  });
});
