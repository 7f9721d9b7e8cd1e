/**
 * `@safety-net/core/hono`: receiving ECTs in a Hono application — the `Execution-Context` field verified before the
 * handlers run, a refusal answered with a problem response (ECT spec §8). Hono is an optional peer dependency; this
 * entry never imports it.
 *
 * @packageDocumentation
 */
export * from './http/hono.js';
