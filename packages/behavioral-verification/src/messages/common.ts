import * as z from 'zod';

export { EpochSecondsSchema, IdentifierSchema } from '@safety-net/core';

/** Largest observed or allowed value in evidence, as JSON text, so that evidence stays small. */
export const MAX_EVIDENCE_VALUE_CHARS = 1024;

/** A JSON value as evidence reports what was observed or allowed (a number, a decimal string, a list …). */
export const EvidenceValueSchema = z
  .json()
  .refine((v) => JSON.stringify(v).length <= MAX_EVIDENCE_VALUE_CHARS, 'evidence value is too large');
/** An observed or allowed value in evidence. */
export type EvidenceValue = z.infer<typeof EvidenceValueSchema>;
