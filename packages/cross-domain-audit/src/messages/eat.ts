import {
  BoundedMap,
  base64UrlBytes,
  type CborValue,
  type ClaimCodec,
  cwtLabels,
  DAG_LINK_LABELS,
  DagLinkShape,
  defineMessageType,
  EpochSecondsSchema,
  IdentifierSchema,
  type Jwk,
  jsonValue,
  type Key,
  keyFromCoseKey,
  keyFromJwk,
  keyToCoseKey,
  keyToJwk,
  snError,
  TaskIdSchema,
  utf8Bytes,
} from '@safety-net/core';
import * as z from 'zod';
import { ProfileRefSchema } from '../profiles/schema.js';
import { OriginSchema } from './common.js';

/** The EAT's `vct` (11): what tells an EAT apart from other SD-CWTs (spec §3.5). */
export const EAT_VCT = 'urn:safety-net:au:eat:1';

/** A SHA-256 digest, unpadded base64url in its canonical form (so that it survives the bytes of the CBOR form). */
const DigestSchema = z.string().regex(/^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/, 'b64digest');

/**
 * The presenting key a JWK names. Importing a key validates its point (about a millisecond), and an EAT's `cnf` is
 * read by its schema and its codec alike, every time: the few presenting keys a domain uses are remembered.
 */
const cnfKeys = new BoundedMap<string, Key>(64);
function cnfKey(jwk: unknown): Key {
  const text = JSON.stringify(jwk);
  let key = cnfKeys.get(text);
  if (!key) {
    key = keyFromJwk(jwk);
    cnfKeys.set(text, key);
  }
  return key;
}

/** `cnf` (RFC 7800 / RFC 8747): the presenting key, `{ jwk }` in JSON and `{ 1: COSE_Key }` in CBOR. */
const CnfSchema = z
  .object({ jwk: z.custom<Jwk>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'a JWK object') })
  .strict()
  .superRefine((cnf, ctx) => {
    try {
      if (cnfKey(cnf.jwk).type !== 'public') ctx.addIssue({ code: 'custom', message: 'cnf holds a private key' });
    } catch {
      ctx.addIssue({ code: 'custom', message: 'cnf.jwk is not a usable key' });
    }
  });

const cnfCodec: ClaimCodec = {
  toCbor: (v) => new Map([[1, keyToCoseKey(cnfKey((v as { jwk: unknown }).jwk))]]) as CborValue,
  fromCbor(v) {
    const coseKey = v instanceof Map && v.size === 1 ? v.get(1) : undefined;
    try {
      return { jwk: keyToJwk(keyFromCoseKey(coseKey as Map<CborValue, CborValue>)) };
    } catch (e) {
      throw snError('ERR_CLAIMS_INVALID', 'cnf is not { 1: COSE_Key }', { cause: e });
    }
  },
};

const ActorSchema = z
  .object({ kind: z.enum(['agent', 'human', 'system']), id: IdentifierSchema, domain: IdentifierSchema.optional() })
  .strict();

const StitchSchema = z
  .object({
    rel: z.enum(['caused_by', 'causes', 'same_task']),
    domain: IdentifierSchema,
    log: OriginSchema,
    ect: TaskIdSchema,
    entry: DigestSchema.optional(),
    index: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
    proof: z.string().min(1).max(2048).optional(),
  })
  .strict();

/**
 * The claims schema of the EAT (spec §3.1). `disclosed` builds the schema of what an auditor sees: `actor` may be
 * redacted away, and `reg.subjects` may have no element disclosed; everything else optional is optional anyway.
 */
function eatSchema(disclosed: boolean) {
  const subjects = z.array(DigestSchema).max(1000);
  const reg = z
    .object({
      profiles: z.array(ProfileRefSchema).min(1).max(8),
      jurisdiction: z
        .array(z.string().regex(/^([A-Z]{2}|EU)$/))
        .min(1)
        .max(8),
      retention_class: z.string().regex(/^[a-z0-9_]{1,64}$/),
      legal_basis: z.string().min(1).max(128).optional(),
      purpose: z.string().min(1).max(256).optional(),
      data_categories: z.array(z.string().min(1).max(64)).min(1).max(32).optional(),
      subjects: (disclosed ? subjects : subjects.min(1)).optional(),
      controller: IdentifierSchema.optional(),
      processor: IdentifierSchema.optional(),
      recipients: z.array(IdentifierSchema).min(1).max(32).optional(),
      transfers: z
        .array(z.object({ country: z.string().min(1), safeguard: z.string().min(1) }).strict())
        .max(32)
        .optional(),
      security: DigestSchema.optional(),
      risk_events: z.array(z.string().min(1)).min(1).max(32).optional(),
    })
    .strict();
  return z
    .object({
      iss: IdentifierSchema,
      sub: IdentifierSchema.optional(),
      iat: EpochSecondsSchema,
      ...DagLinkShape,
      pred: DagLinkShape.pred.min(1),
      cnf: CnfSchema,
      vct: z.literal(EAT_VCT),
      ect: z.object({ jti: TaskIdSchema, wid: TaskIdSchema, iss: IdentifierSchema, digest: DigestSchema }).strict(),
      actor: disclosed ? ActorSchema.optional() : ActorSchema,
      action: z.string().min(1).max(256),
      outcome: z.enum(['succeeded', 'failed', 'refused', 'aborted', 'compensated']),
      inp_hash: DigestSchema.optional(),
      out_hash: DigestSchema.optional(),
      time: z.object({ start: EpochSecondsSchema, end: EpochSecondsSchema.optional() }).strict(),
      reg,
      stitch: z.array(StitchSchema).min(1).max(16).optional(),
      refs: z.array(TaskIdSchema).min(1).max(100).optional(),
    })
    .strict()
    .superRefine((c, ctx) => {
      if (c.pred[0] !== c.ect.jti) ctx.addIssue({ code: 'custom', path: ['pred'], message: 'pred[0] is not ect.jti' });
      if (c.wid !== c.ect.wid) ctx.addIssue({ code: 'custom', path: ['wid'], message: 'wid is not ect.wid' });
      const end = c.time.end ?? c.time.start;
      if (c.time.start > end || end > c.iat) {
        ctx.addIssue({ code: 'custom', path: ['time'], message: 'not time.start ≤ time.end ≤ iat' });
      }
    });
}

/** Execution Audit Token claims as issued (spec §3.1), every claim in clear. */
export const EatClaimsSchema = eatSchema(false);
/** Execution Audit Token claims. */
export type EatClaims = z.infer<typeof EatClaimsSchema>;

/** What an auditor verifies: the EAT's claims with only the disclosed redacted ones in place. */
export const EatDisclosedClaimsSchema = eatSchema(true);
/** What an auditor sees of an EAT. */
export type EatDisclosedClaims = z.infer<typeof EatDisclosedClaimsSchema>;

/** CBOR labels of the EAT's claims (spec §3.1): registered CWT claims on their labels, the rest by name. */
export const EAT_LABELS = {
  ...cwtLabels('iss', 'sub', 'iat'),
  ...DAG_LINK_LABELS,
  cnf: [8, cnfCodec],
  vct: [11, utf8Bytes],
  ect: ['ect', jsonValue],
  actor: ['actor', jsonValue],
  action: 'action',
  outcome: 'outcome',
  inp_hash: ['inp_hash', base64UrlBytes],
  out_hash: ['out_hash', base64UrlBytes],
  time: ['time', jsonValue],
  reg: ['reg', jsonValue],
  stitch: ['stitch', jsonValue],
  refs: 'refs',
} as const;

/**
 * The Execution Audit Token (spec §3): the auditing domain's record of one action, an SD-CWT (`typ`
 * `application/sd-cwt`) in COSE and an SD-JWT (`au-eat+sd-jwt`) in JOSE, and a node of the ECT DAG (`au.eat`).
 * `sign` and `verify` handle an EAT with nothing redacted; `issueEat`, `presentEat` and `verifyEat` the selective
 * disclosure the profiles require.
 */
export const eat = defineMessageType<EatClaims>({
  name: 'au-eat',
  description: 'Execution Audit Token: a domain’s selectively disclosable record of one action',
  typ: 'application/sd-cwt',
  jws: { typ: 'au-eat+sd-jwt' },
  dag: { execAct: 'au.eat' },
  schema: EatClaimsSchema,
  labels: EAT_LABELS,
});
