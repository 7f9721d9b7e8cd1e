import type { PublicKey } from '@safety-net/core';

/**
 * A peer domain this domain's records are stitched to (spec §7.3 step 6): erasures propagate to it, and the Erasure
 * Requests it sends are verified with its key.
 */
export interface PeerDomain {
  /** The domain as stitches name it (`stitch.domain`). */
  readonly domain: string;
  /** `iss` of the requests it signs, and `aud` of those sent to it. */
  readonly issuer: string;
  /** The key its Erasure Requests are verified with. */
  readonly key: PublicKey;
  /** Where it answers Erasure Requests (`POST <prefix>/erasure-request`); without it, requests wait unsent. */
  readonly endpoint?: string;
}
