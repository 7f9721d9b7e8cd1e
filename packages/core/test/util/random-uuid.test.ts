import { randomUuid, seededRandom, systemRandom } from '@safety-net/core';
import { afterEach, describe, expect, it, vi } from 'vitest';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

afterEach(() => vi.restoreAllMocks());

describe('randomUuid', () => {
  it('is a version-4 UUID, from the platform’s randomUUID for the system source', () => {
    const platform = vi.spyOn(globalThis.crypto, 'randomUUID');
    const bytes = vi.spyOn(systemRandom, 'bytes');
    const ids = new Set(Array.from({ length: 100 }, () => randomUuid()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(V4);
    expect(platform).toHaveBeenCalledTimes(100);
    expect(bytes).not.toHaveBeenCalled();
  });

  it('draws 16 bytes from any other source, reproducibly from a seed', () => {
    const a = randomUuid(seededRandom('uuid'));
    expect(a).toMatch(V4);
    expect(randomUuid(seededRandom('uuid'))).toBe(a);
    expect(randomUuid(seededRandom('other'))).not.toBe(a);
  });
});
