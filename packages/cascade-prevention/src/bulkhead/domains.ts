import { invalid } from '../util/checks.js';
import { Bulkhead, type BulkheadStats } from './bulkhead.js';
import type { BulkheadOptions } from './options.js';

/**
 * Failure domains by name, so that containment can isolate a domain it names (e.g. from a cascade report) and
 * dashboards can read every domain's counters.
 *
 * @example
 * ```ts
 * const domains = new FailureDomains();
 * domains.add({ name: 'inference', maxConcurrent: 8, maxQueue: 16 });
 * await domains.get('inference').run(call, { priority: 'critical' });
 * domains.isolate('inference', 'cascade from agent-7');
 * ```
 */
export class FailureDomains {
  private readonly domains = new Map<string, Bulkhead>();

  /** Creates the domain's bulkhead; a name already in use is `ERR_CP_CONFIG_INVALID`. */
  add(options: BulkheadOptions): Bulkhead {
    const bulkhead = new Bulkhead(options);
    if (this.domains.has(bulkhead.name)) invalid(`failure domain ${bulkhead.name} exists`);
    this.domains.set(bulkhead.name, bulkhead);
    return bulkhead;
  }

  /** The domain's bulkhead; an unknown name is `ERR_CP_CONFIG_INVALID`. */
  get(name: string): Bulkhead {
    const bulkhead = this.domains.get(name);
    if (bulkhead === undefined) invalid(`no failure domain ${String(name).slice(0, 256)}`);
    return bulkhead;
  }

  has(name: string): boolean {
    return this.domains.has(name);
  }

  /** The names, in the order the domains were added. */
  names(): string[] {
    return [...this.domains.keys()];
  }

  /** Isolates the named domain (see {@link Bulkhead.isolate}). */
  isolate(name: string, detail?: string): void {
    this.get(name).isolate(detail);
  }

  /** Restores the named domain. */
  restore(name: string): void {
    this.get(name).restore();
  }

  /** Every domain's counters, by name. */
  stats(): Record<string, BulkheadStats> {
    return Object.fromEntries([...this.domains].map(([name, b]) => [name, b.stats()]));
  }
}
