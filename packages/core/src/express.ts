/**
 * `@safety-net/core/express`: receiving ECTs in a Express application — the `Execution-Context` field verified before the
 * handlers run, a refusal answered with a problem response (ECT spec §8). Express is an optional peer dependency; this
 * entry never imports it.
 *
 * @packageDocumentation
 */
export * from './http/express.js';
