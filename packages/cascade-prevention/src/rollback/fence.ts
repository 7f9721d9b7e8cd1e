import { cpError } from '../errors.js';

/**
 * Who raised a fence: a coordinator, for one plan of one rollback (spec §6.4). Rollback ids are only unique per
 * coordinator store, so the name alone does not say whose rollback a Rollback Complete ends.
 */
export interface FenceHolder {
  readonly rollback: string;
  /** The coordinator's `iss`. */
  readonly coordinator: string;
  /** The `jti` of the full plan: an excerpt's `pred`, the first `pred` of the Rollback Complete. */
  readonly plan: string;
}

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
  /** resource → holder key → the holder's rollback. */
  readonly #held = new Map<string, Map<string, string>>();
  /** holder key → the holder and the resources it fences. */
  readonly #byHolder = new Map<string, { readonly holder: FenceHolder; readonly resources: Set<string> }>();
  /** False between {@link Fence.awaitLoad} and {@link Fence.load}: every resource counts as fenced meanwhile. */
  #loaded = true;

  /**
   * Refuses all work until {@link Fence.load}: a participant restarted over a durable store must not accept work on a
   * resource before it has read back the fences it held.
   */
  awaitLoad(): void {
    this.#loaded = false;
  }

  /** Raises the fences read back from a participant store and lifts the refusal of {@link Fence.awaitLoad}. */
  load(stored: Iterable<{ readonly holder: FenceHolder; readonly resources: readonly string[] }>): void {
    for (const { holder, resources } of stored) this.raise(holder, resources);
    this.#loaded = true;
  }

  /** Raises fences of `holder` on `resources`; raising one that is already up changes nothing. */
  raise(holder: FenceHolder, resources: Iterable<string>): void {
    const key = holderKey(holder);
    const mine = this.#byHolder.get(key) ?? { holder: { ...holder }, resources: new Set<string>() };
    this.#byHolder.set(key, mine);
    for (const resource of resources) {
      mine.resources.add(resource);
      const holders = this.#held.get(resource) ?? new Map<string, string>();
      this.#held.set(resource, holders);
      holders.set(key, holder.rollback);
    }
  }

  /**
   * Lifts the fences `holder` raised (on its Rollback Complete). When it holds none but another coordinator or
   * plan fences a rollback of the same name, throws `ERR_CP_ROLLBACK_CONFLICT` and lifts nothing; when nobody
   * fences that rollback (already lifted), does nothing.
   */
  releaseBy(holder: FenceHolder): void {
    const key = holderKey(holder);
    if (!this.#byHolder.has(key)) {
      const other = [...this.#byHolder.values()].find((h) => h.holder.rollback === holder.rollback);
      if (other) {
        throw cpError(
          'ERR_CP_ROLLBACK_CONFLICT',
          `${holder.rollback} is fenced by ${other.holder.coordinator} for plan ${other.holder.plan}`,
        );
      }
      return;
    }
    this.#lift(key);
  }

  /** Operator: lifts every fence of `rollback`, whoever raised it. */
  release(rollback: string): void {
    for (const [key, { holder }] of this.#byHolder) if (holder.rollback === rollback) this.#lift(key);
  }

  /** The rollbacks holding a fence on `resource`, oldest first. */
  holders(resource: string): string[] {
    return [...new Set(this.#held.get(resource)?.values())];
  }

  /** True when some rollback fences `resource`. */
  isFenced(resource: string): boolean {
    return !this.#loaded || this.#held.has(resource);
  }

  /**
   * Throws `ERR_CP_FENCED` when a rollback fences `resource`. Work done on behalf of a rollback (`asPartOf`, the
   * `holder` a compensation handler is given) passes that holder's own fence only: another coordinator's rollback
   * of the same name still blocks it.
   */
  check(resource: string, asPartOf?: FenceHolder): void {
    if (!this.#loaded) throw cpError('ERR_CP_FENCED', `${resource}: the stored fences are not loaded yet`);
    const held = this.#held.get(resource);
    if (!held) return;
    const own = asPartOf === undefined ? undefined : holderKey(asPartOf);
    const blocking = [...new Set([...held].filter(([key]) => key !== own).map(([, rollback]) => rollback))];
    if (blocking.length > 0) throw cpError('ERR_CP_FENCED', `${resource} is under rollback ${blocking.join(', ')}`);
  }

  #lift(key: string): void {
    for (const resource of this.#byHolder.get(key)!.resources) {
      const holders = this.#held.get(resource)!;
      holders.delete(key);
      if (holders.size === 0) this.#held.delete(resource);
    }
    this.#byHolder.delete(key);
  }
}

/** A holder as one string, unambiguous for any three names. */
export function holderKey(h: FenceHolder): string {
  return JSON.stringify([h.rollback, h.coordinator, h.plan]);
}

/** The holder {@link holderKey} made a string of. */
export function holderOfKey(key: string): FenceHolder {
  const [rollback, coordinator, plan] = JSON.parse(key) as [string, string, string];
  return { rollback, coordinator, plan };
}
