import { checkInt, checkName, checkObject, invalid } from '../util/checks.js';

/** The default priority classes, highest first. */
export const DEFAULT_PRIORITIES: readonly string[] = ['critical', 'high', 'normal', 'low'];

/** Options of a {@link Bulkhead} (spec §4). */
export interface BulkheadOptions {
  /** The failure domain's name. */
  readonly name: string;
  /** Tasks running at once. */
  readonly maxConcurrent: number;
  /** Tasks waiting at once. Default 0: no queue. */
  readonly maxQueue?: number;
  /** Priority classes, highest first. Default `['critical', 'high', 'normal', 'low']`. */
  readonly priorities?: readonly string[];
  /**
   * Slots kept for a class against every lower class. Their sum is at most `maxConcurrent`, and those of the
   * classes above the lowest leave it at least one slot.
   */
  readonly reserved?: Readonly<Record<string, number>>;
}

/** Options with defaults applied; classes as indices, 0 highest. */
export interface ResolvedBulkheadOptions {
  readonly name: string;
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  readonly priorities: readonly string[];
  readonly classOf: ReadonlyMap<string, number>;
  /** Reserved slots per class index. */
  readonly reserved: Uint32Array;
}

/**
 * Checks bulkhead options; `ERR_CP_CONFIG_INVALID` names the first bad one.
 *
 * @example
 * ```ts
 * resolveBulkheadOptions({ name: 'pool', maxConcurrent: 4, reserved: { critical: 5 } }); // throws: 5 > 4
 * ```
 */
export function resolveBulkheadOptions(raw: BulkheadOptions): ResolvedBulkheadOptions {
  const o = checkObject(raw, 'bulkhead options');
  const maxConcurrent = checkInt(o['maxConcurrent'], 'maxConcurrent', 1, 1_000_000);
  const rawPriorities = o['priorities'] ?? DEFAULT_PRIORITIES;
  if (!Array.isArray(rawPriorities) || rawPriorities.length < 1 || rawPriorities.length > 64) {
    invalid('priorities must be a list of 1…64 class names');
  }
  const priorities = rawPriorities.map((p, i) => checkName(p, `priorities[${i}]`));
  const classOf = new Map(priorities.map((p, i) => [p, i]));
  if (classOf.size !== priorities.length) invalid('priorities must be distinct');
  const reserved = new Uint32Array(priorities.length);
  let total = 0;
  for (const [cls, n] of Object.entries(checkObject(o['reserved'], 'reserved'))) {
    const index = classOf.get(cls);
    if (index === undefined) invalid(`reserved names an unknown class ${JSON.stringify(cls).slice(0, 64)}`);
    reserved[index] = checkInt(n, `reserved.${cls}`, 0, maxConcurrent);
    total += reserved[index]!;
  }
  if (total > maxConcurrent) invalid('reserved slots add up to more than maxConcurrent');
  // The lowest class is held back by every reservation above it: it must still get a slot in an idle domain.
  if (total - reserved[priorities.length - 1]! >= maxConcurrent)
    invalid('reservations above the lowest class leave it no slot');
  return {
    name: checkName(o['name'], 'name'),
    maxConcurrent,
    maxQueue: checkInt(o['maxQueue'], 'maxQueue', 0, 10_000_000, 0),
    priorities,
    classOf,
    reserved,
  };
}
