import { isSafetyNetError } from '@safety-net/core';
import { bvError } from '../errors.js';
import type { ObservationInput, ParamValue } from './observation-input.js';

const OUTCOMES = new Set(['success', 'failure', 'timeout']);
const MAX_PARAMS = 256;

/**
 * Prototype of the dictionaries copied out (`params`, `resources`): empty, with no prototype of its own, so nothing
 * is inherited (`params.toString` is undefined) and `__proto__` is an ordinary key, as with `Object.create(null)`;
 * but V8 keeps an object whose prototype is not null in its fast representation, which is cheaper to fill and read.
 */
const NOTHING_INHERITED: object = Object.freeze(Object.create(null));

/**
 * The copy of every empty list read, and the monitor's "no predecessors": most actions have none, and a frozen list
 * needs no copy of its own.
 */
export const NO_TEXTS = Object.freeze<string[]>([]) as string[];

/**
 * Reads untrusted input as an observation, with exactly the rules of `ObservationInputSchema`, and copies it out
 * so that later reads see the values checked. Anything else — wrong types, extra fields, throwing getters,
 * proxies — is `ERR_BV_OBSERVATION_INVALID`. Hand-written rather than zod because it runs once per judged action
 * on the monitor's hot path (own keys are walked with `for…in`, which allocates no key list); a property test holds
 * it to the schema.
 */
export function readObservation(input: unknown): ObservationInput {
  try {
    return readUnsafe(input);
  } catch (e) {
    if (isSafetyNetError(e)) throw e;
    throw bvError('ERR_BV_OBSERVATION_INVALID', 'observation could not be read');
  }
}

function fail(what: string): never {
  throw bvError('ERR_BV_OBSERVATION_INVALID', what);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function text(v: unknown, max: number, what: string): string {
  if (typeof v !== 'string' || v.length < 1 || v.length > max) fail(what);
  return v;
}

function finite(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(what);
  return v;
}

function isField(k: string): boolean {
  switch (k) {
    case 'jti':
    case 'wid':
    case 'iss':
    case 'exec_act':
    case 'pred':
    case 'time_ms':
    case 'params':
    case 'outcome':
    case 'latency_ms':
    case 'resources':
    case 'scopes':
      return true;
    default:
      return false;
  }
}

function texts(v: unknown, maxItems: number, maxLength: number, what: string): string[] {
  if (!Array.isArray(v)) fail(what);
  const n = v.length; // read once: a proxy's length could change between reads
  if (n > maxItems) fail(what);
  if (n === 0) return NO_TEXTS;
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = text(v[i], maxLength, what);
  return out;
}

function readUnsafe(input: unknown): ObservationInput {
  if (!isRecord(input)) fail('not an object');
  // for…in also lists inherited enumerable keys: only own ones count, as with Object.keys.
  for (const k in input) if (!isField(k) && Object.hasOwn(input, k)) fail(`unknown field ${k}`);
  const obs: ObservationInput = {
    jti: text(input.jti, 256, 'jti'),
    wid: text(input.wid, 256, 'wid'),
    iss: text(input.iss, 1024, 'iss'),
    exec_act: text(input.exec_act, 1024, 'exec_act'),
    pred: texts(input.pred, 100, 256, 'pred'),
    time_ms: finite(input.time_ms, 'time_ms'),
    params: readParams(input.params),
  };
  if (!Number.isSafeInteger(obs.time_ms) || obs.time_ms < 0) fail('time_ms');
  const { outcome, latency_ms, resources, scopes } = input;
  if (outcome !== undefined) {
    if (typeof outcome !== 'string' || !OUTCOMES.has(outcome)) fail('outcome');
    obs.outcome = outcome as ObservationInput['outcome'];
  }
  if (latency_ms !== undefined) {
    obs.latency_ms = finite(latency_ms, 'latency_ms');
    if (obs.latency_ms < 0) fail('latency_ms');
  }
  if (resources !== undefined) {
    if (!isRecord(resources)) fail('resources');
    const out: Record<string, number> = Object.create(NOTHING_INHERITED);
    for (const k in resources) {
      if (!Object.hasOwn(resources, k)) continue;
      text(k, 128, 'resources');
      const v = finite(resources[k], 'resources');
      if (v < 0) fail('resources');
      out[k] = v;
    }
    obs.resources = out;
  }
  if (scopes !== undefined) obs.scopes = texts(scopes, 1000, 1024, 'scopes');
  return obs;
}

function readParams(v: unknown): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = Object.create(NOTHING_INHERITED);
  if (v === undefined) return out;
  if (!isRecord(v)) fail('params');
  let n = 0;
  for (const k in v) {
    if (!Object.hasOwn(v, k)) continue;
    if (++n > MAX_PARAMS) fail('too many params');
    text(k, 128, 'params');
    const x = v[k];
    if (typeof x === 'boolean' || (typeof x === 'string' && x.length <= 4096)) out[k] = x;
    else out[k] = finite(x, 'params');
  }
  return out;
}
