import { CircuitBreaker, circuitAnnouncement } from '@safety-net/cascade-prevention';
import { type Clock, type KeyResolver, publicKeyOf } from '@safety-net/core';
import { escalationRecord, keyRevocation, Revocations, revokingResolver } from '@safety-net/override-protocol';
import { agentId, keyOf, ROLES, type Role } from './world.js';

/**
 * Where escalation reaches an agent (spec §11 of the override profile): breaker announcements, key revocations and
 * isolation records, each a signed record of the control plane verified before it changes anything. It holds a
 * breaker per other agent of the ward, the revoked keys its ECT verification refuses, and the isolated agents.
 */
export class EscalationSinks {
  readonly breakers: ReadonlyMap<string, CircuitBreaker>;
  readonly isolated = new Set<string>();
  readonly #revocations = new Revocations();
  readonly #ctlKey = publicKeyOf(keyOf('ctl'));

  constructor(
    private readonly agent: string,
    role: Role,
    private readonly clock: Clock,
  ) {
    this.breakers = new Map(
      ROLES.filter((r) => r !== role).map((r) => [
        agentId(r),
        new CircuitBreaker({ id: `to-${r}`, dependency: agentId(r), clock }),
      ]),
    );
  }

  /** `resolver`, refusing the keys escalation revoked (`ERR_OV_KEY_REVOKED`). */
  refusingRevoked(resolver: KeyResolver): KeyResolver {
    return revokingResolver(resolver, this.#revocations, this.clock);
  }

  /** Applies one record, by the path it came on; false for a path that is no sink. */
  apply(sink: string, bytes: Uint8Array): boolean {
    const options = { key: this.#ctlKey, clock: this.clock };
    switch (sink) {
      case 'breaker': {
        const verified = circuitAnnouncement.verify(bytes, { ...options, audience: this.agent });
        if (!verified.ok) throw verified.error;
        this.breakers.get(verified.claims.dependency)?.applyRemote(verified.claims);
        return true;
      }
      case 'revocation': {
        const verified = keyRevocation.verify(bytes, options);
        if (!verified.ok) throw verified.error;
        this.#revocations.add(verified.claims.kid, verified.claims.revoked_at);
        return true;
      }
      case 'isolation': {
        const verified = escalationRecord.verify(bytes, options);
        if (!verified.ok) throw verified.error;
        this.isolated.add(verified.claims.agent);
        return true;
      }
      default:
        return false;
    }
  }

  /** The dependencies whose breaker is open. */
  open(): string[] {
    return [...this.breakers].filter(([, b]) => ['open', 'forced_open'].includes(b.snapshot().state)).map(([d]) => d);
  }
}
