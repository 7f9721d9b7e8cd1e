import * as z from 'zod/mini';
import { base64UrlBytes, jsonValue } from '../messages/claim-codecs.js';
import { defineMessageType } from '../messages/define.js';
import { cwtLabels, DAG_LINK_LABELS } from '../messages/labels.js';
import { type EctClaims, EctClaimsSchema } from './claims.js';

/** The COSE `typ` of an ECT in CWT form (Safety Net profile; the draft defines only the JWT form). */
export const ECT_COSE_TYP = 'application/exec+cwt';
/** The JOSE `typ` of an ECT (draft -01), and the legacy value still accepted. */
export const ECT_JWT_TYP = 'exec+jwt';
export const ECT_LEGACY_JWT_TYP = 'wimse-exec+jwt';

/**
 * The Execution Context Token message type: COSE/CWT form (registered claims on their CWT labels, `jti` as `cti`,
 * the rest under their ECT names) and JWT form.
 *
 * @example
 * ```ts
 * const bytes = ect.sign(claims, key);
 * const result = ect.verify(bytes, { key: publicKeyOf(key), audience: 'https://shipping.example' });
 * if (result.ok) console.log(result.claims.exec_act);
 * ```
 */
export const ect = defineMessageType<EctClaims>({
  name: 'ect',
  description: 'Execution Context Token (draft-nennemann-wimse-ect-01)',
  typ: ECT_COSE_TYP,
  jws: { typ: ECT_JWT_TYP, acceptTyp: [ECT_LEGACY_JWT_TYP] },
  // The claims shape stays a plain object schema that users can extend; the token adds the rule across claims: one
  // that expires when or before it is issued was never meant to be valid, yet within the skew it would verify.
  schema: EctClaimsSchema.check(z.refine((c) => c.exp > c.iat, { path: ['exp'], message: 'exp is not after iat' })),
  // The reference implementations refuse an iat older than 15 minutes.
  timeDefaults: { maxAgeSeconds: 900 },
  labels: {
    ...cwtLabels('iss', 'aud', 'exp', 'nbf', 'iat'),
    ...DAG_LINK_LABELS,
    exec_act: 'exec_act',
    inp_hash: ['inp_hash', base64UrlBytes],
    out_hash: ['out_hash', base64UrlBytes],
    ect_ext: ['ect_ext', jsonValue],
  },
});
