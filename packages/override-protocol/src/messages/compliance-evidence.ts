import {
  defineMessageType,
  EpochSecondsSchema,
  IdentifierSchema,
  jsonValue,
  Sha256B64uSchema,
  TaskIdSchema,
} from '@safety-net/core';
import * as z from 'zod';
import {
  answersSignal,
  checkLifetime,
  DAY_SECONDS,
  ErrCodeSchema,
  issue,
  MESSAGE_LABELS,
  MessageShape,
  ReasonTextSchema,
  SIGNAL_REF_LABELS,
} from './common.js';

/** A verdict or a check's result (spec §4.4). */
export const CheckResultSchema = z.enum(['pass', 'fail', 'unknown']);

/** One compliance check (spec §4.4, §7.7). */
export const ComplianceCheckSchema = z
  .object({
    kind: z.enum([
      'ack_in_time',
      'no_ect_after_halt',
      'bet_under_profile',
      'rollback_complete',
      'handoff',
      'descendants_acked',
    ]),
    result: CheckResultSchema,
    ref: TaskIdSchema.optional(),
    code: ErrCodeSchema.optional(),
    detail: ReasonTextSchema.optional(),
  })
  .strict();
/** A compliance check. */
export type ComplianceCheck = z.infer<typeof ComplianceCheckSchema>;

/** A compliance verdict (spec §4.4). */
export const VerdictSchema = z.enum(['compliant', 'non_compliant', 'unknown']);
/** A compliance verdict. */
export type Verdict = z.infer<typeof VerdictSchema>;

/** The verdict the checks imply: a failure wins over an unknown, an unknown over passes (spec §4.4). */
export function verdictOf(checks: readonly Pick<ComplianceCheck, 'result'>[]): Verdict {
  if (checks.some((c) => c.result === 'fail')) return 'non_compliant';
  return checks.some((c) => c.result === 'unknown') ? 'unknown' : 'compliant';
}

/** Compliance Evidence claims (spec §4.4). */
export const ComplianceEvidenceClaimsSchema = z
  .object({
    ...MessageShape,
    pred: MessageShape.pred.min(1),
    exp: EpochSecondsSchema.optional(),
    signal: TaskIdSchema,
    act_digest: Sha256B64uSchema,
    agent: IdentifierSchema,
    verdict: VerdictSchema,
    checks: z.array(ComplianceCheckSchema).min(1),
  })
  .strict()
  .superRefine((c, ctx) => {
    checkLifetime(c, DAY_SECONDS, ctx);
    if (c.pred[0] !== c.signal) issue(ctx, 'pred', 'pred does not name the signal first');
    if (c.verdict !== verdictOf(c.checks)) issue(ctx, 'verdict', 'the verdict contradicts the checks');
  });
/** Compliance Evidence claims. */
export type ComplianceEvidenceClaims = z.infer<typeof ComplianceEvidenceClaimsSchema>;

/**
 * Compliance Evidence: the control plane's verdict on whether an agent obeyed a signal, tested against what the
 * rest of the system saw rather than the agent's word alone (spec §4.4, §7.7).
 */
export const complianceEvidence = defineMessageType<ComplianceEvidenceClaims>({
  name: 'ov-evidence',
  description: 'Compliance Evidence: whether an agent obeyed an override signal, with the checks behind the verdict',
  dag: answersSignal('ov.evidence'),
  schema: ComplianceEvidenceClaimsSchema,
  labels: {
    ...MESSAGE_LABELS,
    ...SIGNAL_REF_LABELS,
    agent: 'agent',
    verdict: 'verdict',
    checks: ['checks', jsonValue],
  },
});
