import {
  decodeCbor,
  decodeSign1,
  encodeCbor,
  generateKey,
  publicKeyOf,
  seededRandom,
  signSign,
  signSign1,
  Tagged,
  utf8,
  verifySign,
  verifySign1,
} from '@safety-net/core';
import { describe, expect, it } from 'vitest';
import {
  decodeLogEntry,
  encodeLogEntries,
  encodeLogEntry,
  LOG_ENTRY_KINDS,
  logForm,
  MAX_ENTRY_BYTES,
} from '../../src/log/entry.js';

const key = generateKey('Ed25519', seededRandom('entry-key'));
const other = generateKey('Ed25519', seededRandom('entry-key-2'));
const code = (c: string) => expect.objectContaining({ code: c });

describe('log entries (spec §5.1)', () => {
  it('are the deterministic CBOR of [1, kind, body], for every kind', () => {
    for (const kind of LOG_ENTRY_KINDS) {
      const bytes = encodeLogEntry({ kind, body: Uint8Array.of(1, 2) });
      expect(bytes).toEqual(encodeCbor([1, kind, Uint8Array.of(1, 2)]));
      expect(decodeLogEntry(bytes)).toEqual({ kind, body: Uint8Array.of(1, 2) });
    }
    // [1, "eat", h'0102'] byte for byte.
    expect(Buffer.from(encodeLogEntry({ kind: 'eat', body: Uint8Array.of(1, 2) })).toString('hex')).toBe(
      '830163656174420102',
    );
  });

  it('encode a batch into one buffer as each would be alone, at every body length where the CBOR head grows', () => {
    const lengths = [0, 23, 24, 255, 256, 1000, MAX_ENTRY_BYTES - 12];
    const entries = lengths.map((n, i) => ({
      kind: LOG_ENTRY_KINDS[i % LOG_ENTRY_KINDS.length]!,
      body: Uint8Array.from({ length: n }, (_, j) => (i + j) & 0xff),
    }));
    const batch = encodeLogEntries(entries);
    expect(batch).toHaveLength(entries.length);
    for (const [i, e] of entries.entries()) {
      expect(batch[i]).toEqual(encodeCbor([1, e.kind, e.body]));
      expect(decodeLogEntry(batch[i]!)).toEqual(e);
    }
    expect(batch[1]!.buffer).toBe(batch[0]!.buffer);
    // One bad entry anywhere refuses the whole batch.
    expect(() => encodeLogEntries([...entries, { kind: 'eat', body: 'x' as never }])).toThrow(
      code('ERR_AU_ENTRY_INVALID'),
    );
    expect(encodeLogEntries([])).toEqual([]);
  });

  it('writes what it checked: an entry whose fields change between reads is read once', () => {
    let reads = 0;
    const shifty = {
      kind: 'ect' as const,
      // Bytes when first read, then a body far over the limit.
      get body() {
        return ++reads === 1 ? utf8('checked') : new Uint8Array(MAX_ENTRY_BYTES * 2);
      },
    };
    const [leaf] = encodeLogEntries([shifty]);
    expect(reads).toBe(1);
    expect(decodeLogEntry(leaf!)).toEqual({ kind: 'ect', body: utf8('checked') });
  });

  it('refuses unknown kinds, other versions, non-deterministic encodings and oversized entries', () => {
    expect(() => encodeLogEntry({ kind: 'erasure' as never, body: new Uint8Array() })).toThrow(
      code('ERR_AU_ENTRY_INVALID'),
    );
    const body = new Uint8Array(MAX_ENTRY_BYTES - 10);
    expect(encodeLogEntry({ kind: 'eat', body }).length).toBeLessThanOrEqual(MAX_ENTRY_BYTES);
    expect(() => encodeLogEntry({ kind: 'eat', body: new Uint8Array(MAX_ENTRY_BYTES) })).toThrow(
      code('ERR_AU_ENTRY_INVALID'),
    );
    for (const bad of [
      encodeCbor([2, 'eat', new Uint8Array()]),
      encodeCbor([1, 'eat']),
      encodeCbor([1, 'nope', new Uint8Array()]),
      encodeCbor([1, 'eat', 'text']),
      encodeCbor(new Map([[1, 'eat']])),
      Uint8Array.of(0x83, 0x18, 0x01, 0x63, 0x65, 0x61, 0x74, 0x40), // 1 as 0x1801: not the shortest form
      Uint8Array.of(0x83, 0x01),
    ]) {
      expect(() => decodeLogEntry(bad)).toThrow(code('ERR_AU_ENTRY_INVALID'));
    }
  });

  it('log forms drop every unprotected header and keep every signature valid', () => {
    const sign1 = signSign1(utf8('claims'), key, {
      protectedHeader: { typ: 'application/sd-cwt' },
      unprotectedHeader: {
        other: new Map([
          [17, [utf8('disclosure')]],
          [394, [utf8('receipt')]],
        ]),
      },
    });
    const form = logForm(sign1);
    expect(decodeSign1(form).unprotectedHeader.size).toBe(0);
    expect(verifySign1(form, { key: publicKeyOf(key) }).payload).toEqual(utf8('claims'));
    expect(logForm(form)).toEqual(form);
    expect(form.length).toBeLessThan(sign1.length);

    const multi = signSign(utf8('record'), [
      { key, protectedHeader: { kid: Uint8Array.of(1) }, unprotectedHeader: { other: new Map([[99, 'x']]) } },
      { key: other, protectedHeader: { kid: Uint8Array.of(2) } },
    ]);
    const both = { resolve: (r: { kid?: Uint8Array }) => publicKeyOf(r.kid?.[0] === 1 ? key : other) };
    const multiForm = logForm(multi);
    const decoded = decodeCbor(multiForm) as Tagged;
    expect(decoded.tag).toBe(98);
    const sigs = (decoded.value as unknown[])[3] as unknown[][];
    expect(sigs.every((s) => (s[1] as Map<unknown, unknown>).size === 0)).toBe(true);
    expect(verifySign(multiForm, { key: both }).payload).toEqual(utf8('record'));

    for (const bad of [utf8('x'), encodeCbor([1, 2, 3]), encodeCbor(new Tagged(17, [1, 2, 3, 4]))]) {
      expect(() => logForm(bad)).toThrow(code('ERR_AU_ENTRY_INVALID'));
    }
  });
});
