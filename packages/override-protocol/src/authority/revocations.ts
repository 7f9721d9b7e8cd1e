import type { RevokedKey } from '../messages/authority-policy.js';

/**
 * The revoked keys an agent knows of, from its policy's `revoked` list and from Key Revocations (spec §5.5): kid
 * (base64url) → the earliest `revoked_at` heard for it.
 */
export class Revocations {
  readonly #revokedAt = new Map<string, number>();

  constructor(entries: Iterable<Pick<RevokedKey, 'kid' | 'revoked_at'>> = []) {
    for (const e of entries) this.add(e.kid, e.revoked_at);
  }

  /** Records a revocation; an earlier time for the same key wins, since a revocation only ever widens. */
  add(kid: string, revokedAt: number): void {
    const known = this.#revokedAt.get(kid);
    if (known === undefined || revokedAt < known) this.#revokedAt.set(kid, revokedAt);
  }

  /** When the first of `kids` that is revoked was revoked, if any is. */
  revokedAt(kids: readonly string[]): number | undefined {
    let first: number | undefined;
    for (const kid of kids) {
      const at = this.#revokedAt.get(kid);
      if (at !== undefined) first = first === undefined ? at : Math.min(first, at);
    }
    return first;
  }

  /** Every revocation, for the store. */
  entries(): { kid: string; revoked_at: number }[] {
    return [...this.#revokedAt].map(([kid, revoked_at]) => ({ kid, revoked_at }));
  }
}
