import * as z from 'zod';

/** A principal or agent identifier (a SPIFFE id, URI or other text), as `iss` / `sub` carry it. */
export const IdentifierSchema = z.string().min(1).max(1024);

/** Whole seconds since the epoch. */
export const EpochSecondsSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** An ECT task id (`jti`) or workflow id (`wid`). */
export const TaskIdSchema = z.string().min(1).max(256);

/** Most predecessors a task may name (ECT draft default). */
export const MAX_PREDECESSORS = 100;

/** `aud`: one audience or a non-empty list of them. */
export const AudienceSchema = z.union([IdentifierSchema, z.array(IdentifierSchema).min(1).max(64)]);

/**
 * The claims that make a message a node of the ECT DAG: its task id, its workflow and its predecessors. Spread
 * into a message's claims schema.
 */
export const DagLinkShape = {
  jti: TaskIdSchema,
  wid: TaskIdSchema,
  pred: z.array(TaskIdSchema).max(MAX_PREDECESSORS),
} as const;

/**
 * The claims of a signed message that is a node of the ECT DAG: its issuer, issue time, optional audience and its
 * DAG links. Spread into a message's claims schema (the protocol packages' messages all start from it).
 */
export const DagMessageShape = {
  iss: IdentifierSchema,
  iat: EpochSecondsSchema,
  aud: AudienceSchema.optional(),
  ...DagLinkShape,
} as const;
