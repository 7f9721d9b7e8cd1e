import { type EvaluationVector, runEvaluationVector } from '@safety-net/behavioral-verification/testing';
import { VectorMismatch } from './context.js';
import type { KindHandler } from './kind.js';

/**
 * `bv-monitor-evaluate`: a behavioural profile's rules and a stream of observations, with the verdict expected for
 * each (`behavioral-verification.md`, evaluation vectors). The package's own runner judges; this adapts it.
 */
export const bvMonitorEvaluate: KindHandler = {
  kind: 'bv-monitor-evaluate',
  async run(vector) {
    const { passed, actual } = runEvaluationVector(vector as unknown as EvaluationVector);
    if (!passed) throw new VectorMismatch(`got ${JSON.stringify(actual).slice(0, 300)}`);
  },
};
