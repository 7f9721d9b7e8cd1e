import { cwtLabels, defineMessageType, jsonValue, Sha256B64uSchema } from '@safety-net/core';
import * as z from 'zod';
import { EpochSecondsSchema, IdentifierSchema } from './common.js';

/** The metric dimensions the gap analysis names, under the names a Performance Profile uses for them. */
export const PERFORMANCE_METRICS = [
  'task_completion_accuracy',
  'latency_p50_ms',
  'latency_p95_ms',
  'latency_p99_ms',
  'resource_efficiency',
  'safety_compliance_rate',
  'behavioral_consistency',
] as const;

/** One measured dimension: the estimate, its sample size and its confidence interval at `confidence`. */
export const MetricSchema = z
  .object({
    value: z.number().finite(),
    n: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    ci_low: z.number().finite(),
    ci_high: z.number().finite(),
    /** Confidence level of the interval, e.g. 0.95. */
    confidence: z.number().gt(0).lt(1),
  })
  .strict()
  .refine((m) => m.ci_low <= m.value && m.value <= m.ci_high, { message: 'value lies outside its interval' });
/** One metric with its interval. */
export type Metric = z.infer<typeof MetricSchema>;

/** Metric names: the standard ones above, or a deployment's own in the same lower-case form. */
export const MetricNameSchema = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'metric name');

/**
 * Performance Profile claims: the benchmark runner (`iss`) measured the agent (`sub`) on the task suite `suite`
 * (id and SHA-256 digest of its definition) in `env`, with these metrics.
 */
export const PerformanceProfileClaimsSchema = z
  .object({
    iss: IdentifierSchema,
    sub: IdentifierSchema,
    iat: EpochSecondsSchema,
    exp: EpochSecondsSchema.optional(),
    jti: z.string().min(1).max(256),
    suite: z.object({ id: z.string().min(1).max(256), digest: Sha256B64uSchema }).strict(),
    env: z.record(z.string().min(1).max(64), z.string().max(256)).refine((e) => Object.keys(e).length <= 64, {
      message: 'at most 64 environment entries',
    }),
    metrics: z.record(MetricNameSchema, MetricSchema).refine((m) => {
      const n = Object.keys(m).length;
      return n >= 1 && n <= 64;
    }, 'between 1 and 64 metrics'),
  })
  .strict();

/** Performance Profile claims. */
export type PerformanceProfileClaims = z.infer<typeof PerformanceProfileClaimsSchema>;

/**
 * The Performance Profile message type: a signed benchmark result that two parties can compare objectively.
 *
 * @example
 * ```ts
 * const bytes = performanceProfile.sign(claims, runnerKey);
 * const result = performanceProfile.verify(bytes, { key: runnerKeys });
 * ```
 */
export const performanceProfile = defineMessageType<PerformanceProfileClaims>({
  name: 'bv-performance',
  description: 'Performance Profile: a signed benchmark result with confidence intervals',
  schema: PerformanceProfileClaimsSchema,
  labels: {
    ...cwtLabels('iss', 'sub', 'exp', 'iat', 'jti'),
    suite: ['suite', jsonValue],
    env: ['env', jsonValue],
    metrics: ['metrics', jsonValue],
  },
});
