import { describe, expect, it } from 'vitest';
import {
  CborError,
  defineErrorFamily,
  ERROR_CODES,
  isSafetyNetError,
  SafetyNetError,
  snError,
} from '../../src/errors/index.js';

const DEMO = defineErrorFamily({
  family: 'demo',
  className: 'DemoError',
  messages: { ERR_DEMO_ONE: 'the first thing went wrong', ERR_DEMO_TWO: 'the second thing went wrong' },
});

// The documented way: a family adds its codes to core's registry.
declare module '@safety-net/core' {
  interface ErrorCodeRegistry extends Record<(typeof DEMO.codes)[number], true> {}
}

describe('defineErrorFamily', () => {
  it('builds errors on the common base, named for the family, with the default message and the detail', () => {
    const e = DEMO.error('ERR_DEMO_TWO', 'at step 3', { cause: 'why' });
    expect(e).toBeInstanceOf(SafetyNetError);
    expect(e).toBeInstanceOf(DEMO.Error);
    expect(e).not.toBeInstanceOf(CborError);
    expect([e.name, DEMO.Error.name, e.family, e.code]).toEqual(['DemoError', 'DemoError', 'demo', 'ERR_DEMO_TWO']);
    expect(e.message).toBe('the second thing went wrong: at step 3');
    expect(e.cause).toBe('why');
    expect(new DEMO.Error('ERR_DEMO_ONE').message).toBe('the first thing went wrong');
  });

  it('lists its codes in declaration order and tells its own codes from others', () => {
    expect(DEMO.codes).toEqual(['ERR_DEMO_ONE', 'ERR_DEMO_TWO']);
    expect(DEMO.has('ERR_DEMO_ONE')).toBe(true);
    expect(DEMO.has('ERR_CBOR_TRUNCATED')).toBe(false);
    expect(DEMO.has('toString')).toBe(false);
  });

  it('is recognised by isSafetyNetError, with or without a code', () => {
    const e: unknown = DEMO.error('ERR_DEMO_ONE');
    expect(isSafetyNetError(e)).toBe(true);
    expect(isSafetyNetError(e, 'ERR_DEMO_ONE')).toBe(true);
    expect(isSafetyNetError(e, 'ERR_CBOR_TRUNCATED')).toBe(false);
    expect(isSafetyNetError(new Error('ERR_DEMO_ONE'))).toBe(false);
  });
});

describe("core's families", () => {
  it('snError builds every core code as its family class, with the table message', () => {
    for (const [code, row] of Object.entries(ERROR_CODES)) {
      const e = snError(code as keyof typeof ERROR_CODES);
      expect([e.code, e.family, e.message]).toEqual([code, row.family, row.message]);
      expect(e.name).toMatch(/Error$/);
    }
    expect(snError('ERR_CBOR_TRUNCATED')).toBeInstanceOf(CborError);
    expect(snError('ERR_CBOR_TRUNCATED').name).toBe('CborError');
  });
});
