import {
  DISCLOSURE_VECTOR_KINDS,
  type DisclosureVector,
  runDisclosureVector,
} from '@safety-net/cross-domain-audit/testing';
import { VectorMismatch } from './context.js';
import type { KindHandler } from './kind.js';

/**
 * `au-sd-digest`, `au-sd` and `au-profile` (cross-domain-audit.md §13): disclosure digests, EAT presentations as an
 * auditor verifies them, and records checked against the regulatory profiles. The package's own runner judges;
 * this adapts it.
 */
export const auDisclosureKinds: KindHandler[] = DISCLOSURE_VECTOR_KINDS.map((kind) => ({
  kind,
  async run(vector) {
    const { passed, actual } = await runDisclosureVector(vector as unknown as DisclosureVector);
    if (!passed) throw new VectorMismatch(`got ${JSON.stringify(actual).slice(0, 300)}`);
  },
}));
