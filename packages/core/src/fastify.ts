/**
 * `@safety-net/core/fastify`: receiving ECTs in a Fastify application — the `Execution-Context` field verified before the
 * handlers run, a refusal answered with a problem response (ECT spec §8). Fastify is an optional peer dependency; this
 * entry never imports it.
 *
 * @packageDocumentation
 */
export * from './http/fastify.js';
