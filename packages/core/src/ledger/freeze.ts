import { snError } from '../errors/index.js';

/**
 * A deep copy of `value` that must be a JSON tree (plain objects, arrays, strings, finite numbers, booleans,
 * null) — the data model of ECT claims in both wire forms. Iterative, so depth cannot overflow the stack; a
 * getter that throws, a cycle or a shared reference, or any other kind of value ends as `ERR_CLAIMS_INVALID`.
 */
export function copyJsonTree(value: unknown): unknown {
  try {
    return copyUnsafe(value);
  } catch (e) {
    throw snError('ERR_CLAIMS_INVALID', e instanceof NotJson ? e.message : 'claims could not be read', { cause: e });
  }
}

/** Freezes a tree of plain objects and arrays, iteratively. */
export function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || Object.isFrozen(v)) continue;
    Object.freeze(v);
    for (const child of Object.values(v)) stack.push(child);
  }
  return value;
}

class NotJson extends Error {}

type Slot = {
  readonly into: Record<string, unknown> | unknown[];
  readonly key: string | number;
  readonly from: unknown;
};

function copyUnsafe(value: unknown): unknown {
  const root: { value?: unknown } = {};
  const seen = new Set<object>();
  const stack: Slot[] = [{ into: root as Record<string, unknown>, key: 'value', from: value }];
  while (stack.length > 0) {
    const { into, key, from } = stack.pop()!;
    // defineProperty, not assignment: a "__proto__" key must stay an own property, never set a prototype.
    const set = (v: unknown) => {
      Object.defineProperty(into, key, { value: v, enumerable: true, writable: true, configurable: true });
    };
    if (from === null || typeof from === 'string' || typeof from === 'boolean') {
      set(from);
    } else if (typeof from === 'number') {
      if (!Number.isFinite(from)) throw new NotJson('number is not finite');
      set(from);
    } else if (typeof from === 'object') {
      if (seen.has(from)) throw new NotJson('value is referenced twice (a cycle or a shared node)');
      seen.add(from);
      if (Array.isArray(from)) {
        const out: unknown[] = new Array(from.length);
        set(out);
        for (let i = 0; i < from.length; i++) stack.push({ into: out, key: i, from: from[i] });
      } else {
        const proto = Object.getPrototypeOf(from);
        if (proto !== Object.prototype && proto !== null) throw new NotJson('value is not a plain object');
        const out: Record<string, unknown> = {};
        set(out);
        for (const [k, v] of Object.entries(from)) stack.push({ into: out, key: k, from: v });
      }
    } else {
      throw new NotJson(`${typeof from} is not a JSON value`);
    }
  }
  return root.value;
}
