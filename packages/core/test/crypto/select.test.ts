import { backendByName, getBackend, nobleBackend, nodeBackend, setDefaultBackend } from '@safety-net/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { codeOf } from '../../../../test-support/codes.js';

afterEach(() => setDefaultBackend('auto'));

describe('backend selection', () => {
  it('auto picks node:crypto where the runtime has it', () => {
    expect(getBackend()).toBe(nodeBackend());
    expect(getBackend().name).toBe('node');
  });

  it('setDefaultBackend switches and restores', () => {
    setDefaultBackend('noble');
    expect(getBackend()).toBe(nobleBackend);
    setDefaultBackend('node');
    expect(getBackend()).toBe(nodeBackend());
    setDefaultBackend('auto');
    expect(getBackend().name).toBe('node');
  });

  it('backendByName knows both names and refuses others', () => {
    expect(backendByName('noble')).toBe(nobleBackend);
    expect(backendByName('node')).toBe(nodeBackend());
    expect(codeOf(() => backendByName('openssl'))).toBe('ERR_CRYPTO_BACKEND_UNAVAILABLE');
    expect(codeOf(() => setDefaultBackend('webcrypto' as 'node'))).toBe('ERR_CRYPTO_BACKEND_UNAVAILABLE');
  });

  it('without node:crypto (browsers, edge): no node backend, auto falls back to noble', async () => {
    vi.resetModules();
    const original = process.getBuiltinModule;
    Object.defineProperty(process, 'getBuiltinModule', { value: undefined, configurable: true, writable: true });
    try {
      const fresh = await import('../../src/crypto/index.js');
      expect(fresh.nodeBackend()).toBeUndefined();
      expect(fresh.getBackend().name).toBe('noble');
      // A fresh module graph has its own error classes, so match the code field itself.
      expect(() => fresh.backendByName('node')).toThrow(
        expect.objectContaining({ code: 'ERR_CRYPTO_BACKEND_UNAVAILABLE' }),
      );
    } finally {
      Object.defineProperty(process, 'getBuiltinModule', { value: original, configurable: true, writable: true });
      vi.resetModules();
    }
  });
});
