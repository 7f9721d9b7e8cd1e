import {
  AudienceSchema,
  base64UrlBytes,
  cwtLabels,
  DAG_LINK_LABELS,
  DagLinkShape,
  defineMessageType,
  jsonValue,
  Sha256B64uSchema,
} from '@safety-net/core';
import * as z from 'zod';
import { RuleIdSchema, ViolationClassSchema } from '../rules/schema.js';
import { EpochSecondsSchema, EvidenceValueSchema, IdentifierSchema } from './common.js';

/** The verdicts a BET can carry: what a relying party's appraisal policy accepts or refuses. */
export const BetVerdictSchema = z.enum(['compliant', 'violation', 'drift', 'inconclusive']);
/** A BET verdict. */
export type BetVerdict = z.infer<typeof BetVerdictSchema>;

/** One violation as evidence reports it: which rule, which class, which action (ECT `jti`), observed vs allowed. */
export const BetViolationSchema = z
  .object({
    rule: RuleIdSchema,
    class: ViolationClassSchema,
    jti: z.string().min(1).max(256),
    observed: EvidenceValueSchema,
    allowed: EvidenceValueSchema,
  })
  .strict();
/** One reported violation. */
export type BetViolation = z.infer<typeof BetViolationSchema>;

/** The state of one drift detector at the end of the window. */
export const DriftStatSchema = z
  .object({
    rule: RuleIdSchema,
    method: z.enum(['cusum', 'page_hinkley', 'js_divergence']),
    /** The detector statistic (CUSUM / Page–Hinkley in baseline standard deviations; JS divergence 0…1). */
    statistic: z.number().finite(),
    threshold: z.number().finite(),
    /** Values the detector has seen. */
    n: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    alarm: z.boolean(),
  })
  .strict();
/** One drift detector's statistics. */
export type DriftStat = z.infer<typeof DriftStatSchema>;

/** Most violations and drift statistics one BET carries; more belong in several BETs or an audit record. */
export const MAX_BET_ENTRIES = 1000;

/**
 * Behavioral Evidence Token claims: the verifier (`iss`) judged the agent (`sub`) against the profile with digest
 * `profile`, over the observations committed to by `obs_root` in `window`, and reached `verdict`. `jti`, `wid` and
 * `pred` make it a node of the ECT DAG.
 */
export const BetClaimsSchema = z
  .object({
    iss: IdentifierSchema,
    sub: IdentifierSchema,
    aud: AudienceSchema.optional(),
    iat: EpochSecondsSchema,
    exp: EpochSecondsSchema,
    ...DagLinkShape,
    profile: Sha256B64uSchema,
    window: z.object({ from: EpochSecondsSchema, to: EpochSecondsSchema }).strict(),
    obs_root: Sha256B64uSchema,
    obs_count: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    verdict: BetVerdictSchema,
    violations: z.array(BetViolationSchema).max(MAX_BET_ENTRIES),
    drift: z.array(DriftStatSchema).max(MAX_BET_ENTRIES),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.window.from > c.window.to)
      ctx.addIssue({ code: 'custom', path: ['window'], message: 'window ends before it starts' });
    if (c.exp <= c.iat) ctx.addIssue({ code: 'custom', path: ['exp'], message: 'exp is not after iat' });
    const problem = verdictProblem(c);
    if (problem) ctx.addIssue({ code: 'custom', path: ['verdict'], message: problem });
  });

/** Behavioral Evidence Token claims. */
export type BetClaims = z.infer<typeof BetClaimsSchema>;

/** The verdict must agree with the evidence it summarises (behavioral-verification.md §4.2). */
function verdictProblem(c: Pick<BetClaims, 'verdict' | 'violations' | 'drift'>): string | undefined {
  const hard = c.violations.some((v) => v.class !== 'drift');
  const drifting = c.drift.some((d) => d.alarm) || c.violations.some((v) => v.class === 'drift');
  switch (c.verdict) {
    case 'compliant':
      return hard || drifting ? 'compliant verdict with violations or drift' : undefined;
    case 'violation':
      return hard ? undefined : 'violation verdict without a violation';
    case 'drift':
      if (hard) return 'drift verdict hides a violation';
      return drifting ? undefined : 'drift verdict without drift';
    case 'inconclusive':
      return hard ? 'inconclusive verdict hides a violation' : undefined;
  }
}

/** Default BET lifetime: short, so a relying party can demand fresh evidence before it accepts work. */
export const DEFAULT_BET_LIFETIME_SECONDS = 300;

/**
 * The Behavioral Evidence Token message type, issued by a verifier (monitor). See `issueBet` to build one from
 * a monitor's findings and `appraiseBet` to gate on one.
 *
 * @example
 * ```ts
 * const result = bet.verify(bytes, { key: trustedVerifiers });
 * if (result.ok && result.claims.verdict === 'compliant') accept();
 * ```
 */
export const bet = defineMessageType<BetClaims>({
  name: 'bet',
  description: 'Behavioral Evidence Token: a verifier’s signed verdict on an agent’s behaviour',
  schema: BetClaimsSchema,
  // Evidence sits in the same graph as the actions it judges; undoing it would rewrite what happened.
  dag: { execAct: 'bv.bet.issue', ext: (c) => ({ bet_verdict: c.verdict, bet_profile: c.profile }) },
  labels: {
    ...cwtLabels('iss', 'sub', 'aud', 'exp', 'iat'),
    ...DAG_LINK_LABELS,
    profile: ['profile', base64UrlBytes],
    window: ['window', jsonValue],
    obs_root: ['obs_root', base64UrlBytes],
    obs_count: 'obs_count',
    verdict: 'verdict',
    violations: ['violations', jsonValue],
    drift: ['drift', jsonValue],
  },
});
