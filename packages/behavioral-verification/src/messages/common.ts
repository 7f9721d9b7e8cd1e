import { z } from 'zod';

/** A principal or agent identifier (a SPIFFE id, URI or other text), as `iss` / `sub` carry it. */
export const IdentifierSchema = z.string().min(1).max(1024);

/** Whole seconds since the epoch. */
export const EpochSecondsSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** Largest observed or allowed value in evidence, as JSON text, so that evidence stays small. */
export const MAX_EVIDENCE_VALUE_CHARS = 1024;

/** A JSON value as evidence reports what was observed or allowed (a number, a decimal string, a list …). */
export const EvidenceValueSchema = z
  .json()
  .refine((v) => JSON.stringify(v).length <= MAX_EVIDENCE_VALUE_CHARS, 'evidence value is too large');
/** An observed or allowed value in evidence. */
export type EvidenceValue = z.infer<typeof EvidenceValueSchema>;
