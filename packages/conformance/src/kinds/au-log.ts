import { fromHex, publicKeyOf, toHex } from '@safety-net/core';
import {
  decodeProofBundle,
  encodeLogEntry,
  entryLeafHash,
  formatTlogProof,
  type LOG_ENTRY_KINDS,
  logForm,
  tilePath,
  verifyEntryInclusion,
  verifyReceipt,
} from '@safety-net/cross-domain-audit';
import * as z from 'zod';
import { ErrorCodeText, Hex } from '../format.js';
import { VectorMismatch } from './context.js';
import { defineKind } from './kind.js';
import { attempt, compareOutcome } from './outcome.js';

const Invalid = z.object({ result: z.literal('invalid'), error: ErrorCodeText }).strict();
const valid = <S extends z.ZodRawShape>(shape: S) => z.object({ result: z.literal('valid'), ...shape }).strict();
const none = z.object({}).strict();

const AuLog = z.discriminatedUnion('op', [
  z
    .object({
      op: z.literal('entry'),
      input: z.object({ kind: z.string(), body_hex: Hex }).strict(),
      expected: z.union([valid({ entry_hex: Hex, leaf_hash_hex: Hex }), Invalid]),
    })
    .strict(),
  z
    .object({
      op: z.literal('log-form'),
      input: z.object({ message_hex: Hex }).strict(),
      expected: z.union([valid({ log_form_hex: Hex }), Invalid]),
    })
    .strict(),
  z
    .object({
      op: z.literal('tile-path'),
      input: z
        .object({
          level: z.union([z.number().int().min(0).max(63), z.literal('entries')]),
          index: z.number().int().nonnegative().safe(),
          width: z.number().int().min(1).max(256),
        })
        .strict(),
      expected: valid({ path: z.string() }),
    })
    .strict(),
  z
    .object({
      op: z.literal('inclusion'),
      input: z
        .object({
          entry_hex: Hex,
          index: z.number().int().safe(),
          size: z.number().int().safe(),
          path_hex: z.array(Hex),
          root_hex: Hex,
        })
        .strict(),
      expected: z.union([valid({}), Invalid]),
    })
    .strict(),
  z
    .object({
      op: z.literal('tlog-proof'),
      input: z
        .object({ index: z.number().int().nonnegative().safe(), path_hex: z.array(Hex), checkpoint: z.string() })
        .strict(),
      expected: valid({ text: z.string() }),
    })
    .strict(),
  z
    .object({
      op: z.literal('receipt'),
      input: z
        .object({
          entry_hex: Hex,
          receipt_hex: Hex,
          key: z.string(),
          checkpoints: z.array(z.object({ origin: z.string(), size: z.number().int(), root_hex: Hex }).strict()),
        })
        .strict(),
      expected: z.union([
        valid({ issuer: z.string(), iat: z.number().int(), index: z.number().int(), size: z.number().int() }),
        Invalid,
      ]),
    })
    .strict(),
  z
    .object({
      op: z.literal('bundle-decode'),
      input: z.object({ bundle_hex: Hex }).strict(),
      expected: z.union([valid({ origin: z.string(), items: z.number().int() }), Invalid]),
    })
    .strict(),
]);

const Parts = z
  .object({ input: z.record(z.string(), z.unknown()), options: none, expected: z.record(z.string(), z.unknown()) })
  .strict();

/**
 * `au-log`: the transparency log of `cross-domain-audit.md` §5 — entry bytes and leaf hashes, log forms, tile
 * paths, inclusion proofs, `tlog-proof@v1` texts, COSE Receipts and proof bundles. `input.op` says which.
 */
export const auLog = defineKind('au-log', Parts, async ({ input, expected }, context) => {
  const { op, ...rest } = input as { op: unknown };
  const parsed = AuLog.safeParse({ op, input: rest, expected });
  if (!parsed.success) throw new VectorMismatch(`malformed au-log vector: ${parsed.error.issues[0]?.message ?? ''}`);
  const v = parsed.data;
  const got = await attempt(() => {
    switch (v.op) {
      case 'entry': {
        const entry = encodeLogEntry({
          kind: v.input.kind as (typeof LOG_ENTRY_KINDS)[number],
          body: fromHex(v.input.body_hex),
        });
        return { entry_hex: toHex(entry), leaf_hash_hex: toHex(entryLeafHash(entry)) };
      }
      case 'log-form':
        return { log_form_hex: toHex(logForm(fromHex(v.input.message_hex))) };
      case 'tile-path':
        return { path: tilePath(v.input) };
      case 'inclusion':
        verifyEntryInclusion({
          entry: fromHex(v.input.entry_hex),
          index: v.input.index,
          size: v.input.size,
          path: v.input.path_hex.map(fromHex),
          rootHash: fromHex(v.input.root_hex),
        });
        return {};
      case 'tlog-proof':
        return {
          text: formatTlogProof({
            index: v.input.index,
            path: v.input.path_hex.map(fromHex),
            checkpoint: v.input.checkpoint,
          }),
        };
      case 'receipt': {
        const { issuer, iat, index, size } = verifyReceipt(fromHex(v.input.receipt_hex), {
          entry: fromHex(v.input.entry_hex),
          key: publicKeyOf(context.key(v.input.key)),
          checkpoints: v.input.checkpoints.map((c) => ({
            origin: c.origin,
            size: c.size,
            rootHash: fromHex(c.root_hex),
          })),
        });
        return { issuer, iat, index, size };
      }
      case 'bundle-decode': {
        const bundle = decodeProofBundle(fromHex(v.input.bundle_hex));
        return { origin: bundle.origin, items: bundle.items.length };
      }
    }
  });
  compareOutcome(expected as never, got);
});
