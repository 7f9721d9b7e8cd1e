import {
  backendByName,
  type CryptoBackend,
  isSafetyNetError,
  type MessageTypeRegistry,
  nobleBackend,
} from '@safety-net/core';
import { VectorEnvelope } from './format.js';
import { VectorContext, VectorMismatch } from './kinds/context.js';
import { issuesText } from './kinds/kind.js';
import { KINDS } from './kinds/kinds.js';
import { defaultRegistry } from './registry.js';

/** How vectors are run. */
export interface VectorRunOptions {
  /** Backends to run every vector under. Default: noble, and node:crypto where the runtime has it. */
  backends?: readonly CryptoBackend[];
  /** Message types that `message-*` vectors may name. Default: {@link defaultRegistry}. */
  registry?: MessageTypeRegistry;
}

/** One vector's result: passed under every backend, or the reasons it did not. */
export interface VectorResult {
  /** Where the vector came from (its path), or its id. */
  readonly source: string;
  readonly id: string | undefined;
  readonly passed: boolean;
  /** One entry per failing backend (`backend` is `-` when the file itself is unusable). */
  readonly failures: readonly { readonly backend: string; readonly reason: string }[];
}

/** The results of a run, with the counts. */
export interface VectorReport {
  readonly passed: number;
  readonly failed: number;
  readonly results: readonly VectorResult[];
}

/** A vector file's text and where it came from (path relative to the vector root, e.g. `core/x.json`). */
export interface VectorSource {
  readonly path: string;
  readonly text: string;
}

/** noble always; node:crypto when the runtime has it. */
export function availableBackends(): CryptoBackend[] {
  const backends = [nobleBackend];
  try {
    backends.push(backendByName('node'));
  } catch {
    // Not on Node: the portable backend alone.
  }
  return backends;
}

function describeFailure(e: unknown): string {
  if (e instanceof VectorMismatch) return e.message;
  if (isSafetyNetError(e)) return `unexpected ${e.code}: ${e.message}`;
  return `crashed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
}

/** `core/x.json` → package `core`, id `x`; other shapes are not checked. */
function placeOf(path: string): { package: string; id: string } | undefined {
  const m = /(?:^|[\\/])([^\\/]+)[\\/]([^\\/]+)\.json$/.exec(path);
  return m ? { package: m[1]!, id: m[2]! } : undefined;
}

/**
 * Runs one vector (parsed JSON) under every backend. Never throws: a malformed vector, an unknown kind, a wrong
 * outcome or a crash of the code under test is a failed result.
 */
export async function runVector(json: unknown, source: string, options: VectorRunOptions = {}): Promise<VectorResult> {
  const parsed = VectorEnvelope.safeParse(json);
  if (!parsed.success) {
    return {
      source,
      id: undefined,
      passed: false,
      failures: [{ backend: '-', reason: `malformed vector: ${issuesText(parsed.error)}` }],
    };
  }
  const vector = parsed.data;
  const fail = (reason: string): VectorResult => ({
    source,
    id: vector.id,
    passed: false,
    failures: [{ backend: '-', reason }],
  });
  const place = placeOf(source);
  if (place && (place.id !== vector.id || place.package !== vector.package)) {
    return fail(`id and package must match the path (${place.package}/${place.id}.json)`);
  }
  const handler = KINDS.get(vector.kind);
  if (!handler) return fail(`kind ${vector.kind} is not implemented by this runner`);
  const backends = options.backends ?? availableBackends();
  const registry = options.registry ?? defaultRegistry();
  const failures: { backend: string; reason: string }[] = [];
  for (const backend of backends) {
    try {
      await handler.run(vector, new VectorContext(backend, backends, registry, vector.now, vector.keys));
    } catch (e) {
      failures.push({ backend: backend.name, reason: describeFailure(e) });
    }
  }
  return { source, id: vector.id, passed: failures.length === 0, failures };
}

/** Runs vector files; ids must be unique within a package. */
export async function runVectorSources(
  sources: readonly VectorSource[],
  options: VectorRunOptions = {},
): Promise<VectorReport> {
  const results: VectorResult[] = [];
  const seen = new Set<string>();
  for (const { path, text } of sources) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      results.push({ source: path, id: undefined, passed: false, failures: [{ backend: '-', reason: 'not JSON' }] });
      continue;
    }
    const result = await runVector(json, path, options);
    const key = `${(json as { package?: unknown }).package}/${result.id}`;
    if (result.id !== undefined && seen.has(key)) {
      results.push({ ...result, passed: false, failures: [{ backend: '-', reason: `duplicate id ${result.id}` }] });
      continue;
    }
    seen.add(key);
    results.push(result);
  }
  const passed = results.filter((r) => r.passed).length;
  return { passed, failed: results.length - passed, results };
}
