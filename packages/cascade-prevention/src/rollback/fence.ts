import { snError } from '@safety-net/core';

/**
 * A participant's fences: while a rollback runs, new work on the data it is undoing is refused (spec §6.4).
 * Check the fence before every action that reads or writes a resource.
 *
 * @example
 * ```ts
 * participant.fence.check('stock/sku-42'); // throws ERR_CP_FENCED while a rollback holds it
 * ```
 */
export class Fence {
  /** resource → the rollbacks holding a fence on it. */
  readonly #held = new Map<string, Set<string>>();
  /** rollback → the resources it fences. */
  readonly #byRollback = new Map<string, Set<string>>();

  /** Raises fences of `rollback` on `resources`; raising one that is already up changes nothing. */
  raise(rollback: string, resources: Iterable<string>): void {
    const mine = this.#byRollback.get(rollback) ?? new Set<string>();
    this.#byRollback.set(rollback, mine);
    for (const resource of resources) {
      mine.add(resource);
      const holders = this.#held.get(resource) ?? new Set<string>();
      this.#held.set(resource, holders);
      holders.add(rollback);
    }
  }

  /** Lifts every fence of `rollback` (on its Rollback Complete, or by an operator). */
  release(rollback: string): void {
    for (const resource of this.#byRollback.get(rollback) ?? []) {
      const holders = this.#held.get(resource)!;
      holders.delete(rollback);
      if (holders.size === 0) this.#held.delete(resource);
    }
    this.#byRollback.delete(rollback);
  }

  /** The rollbacks holding a fence on `resource`, oldest first. */
  holders(resource: string): string[] {
    return [...(this.#held.get(resource) ?? [])];
  }

  /** True when some rollback fences `resource`. */
  isFenced(resource: string): boolean {
    return this.#held.has(resource);
  }

  /**
   * Throws `ERR_CP_FENCED` when a rollback fences `resource`. Work done on behalf of a rollback (`asPartOf`) passes
   * that rollback's own fence.
   */
  check(resource: string, asPartOf?: string): void {
    const holders = this.#held.get(resource);
    if (!holders) return;
    const blocking = [...holders].filter((r) => r !== asPartOf);
    if (blocking.length > 0) throw snError('ERR_CP_FENCED', `${resource} is under rollback ${blocking.join(', ')}`);
  }
}
