import * as z from 'zod';

/** A claim's path in an EAT (`reg.purpose`, `actor.id`, `time.end`); spec §4.1. */
export const FieldPathSchema = z.string().regex(/^[a-z_]+(\.[a-z_]+)*$/, 'field path');

/** Every field of the record (`*`), or a path and everything below it. */
const SeenPath = z.union([z.literal('*'), FieldPathSchema]);

const RetentionSchema = z
  .object({
    min_days: z.number().int().nonnegative(),
    max_days: z.number().int().nonnegative().optional(),
    basis: z.enum(['law', 'profile']),
  })
  .strict()
  .refine((r) => r.max_days === undefined || r.max_days >= r.min_days, 'max_days below min_days');

const RoleSchema = z
  .object({
    see: z.array(SeenPath),
    /** Paths below those `see` names that the role may not see (e.g. everything but `reg.subjects`). */
    except: z.array(FieldPathSchema).optional(),
    /** The role demands a key binding of every presentation it receives. */
    kb: z.boolean().optional(),
  })
  .strict();

/** A regulatory profile (spec §4.1): what records under it carry, redact, keep and show to whom. */
export const RegulatoryProfileSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{1,64}$/),
    ver: z.number().int().min(1),
    title: z.string().min(1),
    source: z.string().min(1),
    requires: z.array(FieldPathSchema),
    /** Groups of paths of which a record carries at least one (e.g. `inp_hash` or `out_hash`). */
    requires_any: z.array(z.array(FieldPathSchema).min(2)).optional(),
    requires_when: z
      .array(z.object({ if: FieldPathSchema, equals: z.string(), require: z.array(FieldPathSchema).min(1) }).strict())
      .optional(),
    redact: z.array(FieldPathSchema),
    sensitive: z.array(FieldPathSchema).optional(),
    retention: z.record(z.string().regex(/^[a-z0-9_]{1,64}$/), RetentionSchema),
    roles: z
      .record(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/), RoleSchema)
      .refine((roles) => Object.keys(roles).length > 0, 'at least one role'),
  })
  .strict();

/** A regulatory profile. */
export type RegulatoryProfile = z.infer<typeof RegulatoryProfileSchema>;

/** A record's reference to a profile (`profile-ref`, spec §2). */
export const ProfileRefSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{1,64}$/),
    ver: z.number().int().min(1),
    digest: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'b64digest'),
  })
  .strict();

/** A record's reference to a profile. */
export type ProfileRef = z.infer<typeof ProfileRefSchema>;
