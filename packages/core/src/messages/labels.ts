import { utf8Bytes } from './claim-codecs.js';
import type { ClaimLabel } from './claims-layout.js';

/**
 * CBOR labels of the registered CWT claims (RFC 8392 §4) that Safety Net's messages carry. `jti` travels as `cti`
 * (label 7), its text as UTF-8 bytes. Pick a message type's own with {@link cwtLabels}.
 */
export const CWT_LABELS = {
  iss: 1,
  sub: 2,
  aud: 3,
  exp: 4,
  nbf: 5,
  iat: 6,
  jti: [7, utf8Bytes],
} as const satisfies Record<string, ClaimLabel>;

/**
 * The labels of the named registered claims, to spread into a message type's `labels`.
 *
 * @example
 * ```ts
 * labels: { ...cwtLabels('iss', 'sub', 'iat'), ...DAG_LINK_LABELS, verdict: 'verdict' }
 * ```
 */
export function cwtLabels<K extends keyof typeof CWT_LABELS>(...names: K[]): Pick<typeof CWT_LABELS, K> {
  return Object.fromEntries(names.map((n) => [n, CWT_LABELS[n]])) as Pick<typeof CWT_LABELS, K>;
}

/** CBOR labels of the DAG-link claims ({@link DagLinkShape}): `jti` as `cti`, `wid` and `pred` by name. */
export const DAG_LINK_LABELS = {
  jti: CWT_LABELS.jti,
  wid: 'wid',
  pred: 'pred',
} as const satisfies Record<string, ClaimLabel>;

/** CBOR labels of {@link DagMessageShape} and `exp`: the registered CWT labels and {@link DAG_LINK_LABELS}. */
export const DAG_MESSAGE_LABELS = { ...cwtLabels('iss', 'aud', 'exp', 'iat'), ...DAG_LINK_LABELS } as const;
