import type { ConsumptionClaims } from '../../src/index.js';
import { countersignConsumption, signConsumption } from '../../src/index.js';
import { ACCOUNTING_KEYS, sampleConsumptionClaims } from '../../src/testing.js';

/** The sample record with its own jti and token count, so that each `i` is another record. */
export function recordClaims(i: number, tokens = 1000 + i): ConsumptionClaims {
  return {
    ...sampleConsumptionClaims,
    jti: `cr-test-${i}`,
    items: [{ kind: 'gen_ai.usage.input_tokens', quantity: String(tokens), model: 'gpt-4.1-mini' }],
  };
}

/** {@link recordClaims} signed by the provider and countersigned by the clinic. */
export function countersignedRecord(i: number, tokens?: number): Uint8Array {
  return countersignConsumption(
    signConsumption(recordClaims(i, tokens), ACCOUNTING_KEYS.provider),
    ACCOUNTING_KEYS.consumer,
  );
}
