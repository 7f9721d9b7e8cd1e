import * as z from 'zod';

/**
 * The conformance vector format (spec-vectors/README.md) as zod schemas: the single source of truth for the
 * runner, which refuses any field it does not know, and for the generator's types. Each kind's own schema lives
 * beside its handler; this file holds the envelope and the pieces the kinds share.
 */

/** Lower-case hex bytes, as every `_hex` field holds them. */
export const Hex = z.string().regex(/^(?:[0-9a-f]{2})*$/, 'lower-case hex bytes');

/** A stable error code (`docs/spec/core.md` §8). */
export const ErrorCodeText = z.string().regex(/^ERR_[A-Z0-9_]+$/, 'an ERR_ code');

/** A header label: int or text. */
export const Label = z.union([z.number().int().safe(), z.string()]);

/** A header bucket in JSON form (README "cose-sign1-sign"). */
export const HeaderObject = z
  .object({
    alg: z.number().int().safe().optional(),
    kid_hex: Hex.optional(),
    typ: z.union([z.string(), z.number().int().nonnegative()]).optional(),
    content_type: z.union([z.string(), z.number().int().nonnegative()]).optional(),
    crit: z.array(Label).optional(),
  })
  .strict();

/** A header bucket in JSON form. */
export type HeaderObject = z.infer<typeof HeaderObject>;

/** Verification options that name keys: `key` (one key, whatever the kid says) or `key_set` (a resolver). */
export const KeySelection = {
  key: z.string().min(1).optional(),
  key_set: z.array(z.string().min(1)).min(1).optional(),
  key_issuers: z.record(z.string(), z.array(z.string())).optional(),
};

/** The `invalid` outcome every kind shares. */
export const Invalid = z.object({ result: z.literal('invalid'), error: ErrorCodeText }).strict();

/** `{ result: 'valid', …outputs } | { result: 'invalid', error }` for a kind's outputs. */
export function expectedOf<S extends z.ZodRawShape>(outputs: S) {
  return z.discriminatedUnion('result', [z.object({ result: z.literal('valid'), ...outputs }).strict(), Invalid]);
}

/** A JSON object whose members the kind handler checks (JWKs, claims, DAG nodes). */
export const JsonObject = z.record(z.string(), z.unknown());

/** The fields every vector has, in file order; `input`, `options` and `expected` are checked by the kind. */
export const VectorEnvelope = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lower-case letters, digits and -'),
    description: z.string().min(1),
    package: z.string().regex(/^[a-z0-9-]+$/),
    kind: z.string().min(1),
    keys: z.record(z.string(), JsonObject),
    now: z.number().int().nonnegative().safe(),
    input: JsonObject,
    options: JsonObject,
    expected: JsonObject,
  })
  .strict();

/** A vector as read from its file, before its kind checked `input`, `options` and `expected`. */
export type VectorEnvelope = z.infer<typeof VectorEnvelope>;

/** What the generator writes: the envelope with a kind's own parts. */
export interface Vector<I = unknown, O = unknown, E = unknown> {
  id: string;
  description: string;
  package: string;
  kind: string;
  keys: Record<string, Record<string, unknown>>;
  now: number;
  input: I;
  options: O;
  expected: E;
}

/** The file text of a vector: two-space JSON in field order, with a final newline. */
export function vectorText(vector: Vector): string {
  return `${JSON.stringify(vector, null, 2)}\n`;
}
