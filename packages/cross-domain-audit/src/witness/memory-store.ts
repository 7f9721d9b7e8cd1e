import { bytesEqual } from '@safety-net/core';
import type { AdvanceResult, WitnessEvidence, WitnessState, WitnessStore } from './store.js';

/** The state held matches what was read: both absent, or the same size and root. */
export function sameState(held: WitnessState | undefined, expected: WitnessState | undefined): boolean {
  if (!held || !expected) return held === expected;
  return held.size === expected.size && bytesEqual(held.rootHash, expected.rootHash);
}

/** A witness store in memory: for tests and for a witness whose state may be lost with its process. */
export class MemoryWitnessStore implements WitnessStore {
  readonly #state = new Map<string, WitnessState>();
  readonly #evidence: WitnessEvidence[] = [];
  readonly #halted = new Set<string>();

  async latest(origin: string): Promise<WitnessState | undefined> {
    return this.#state.get(origin);
  }

  async advance(origin: string, expected: WitnessState | undefined, next: WitnessState): Promise<AdvanceResult> {
    const held = this.#state.get(origin);
    if (!sameState(held, expected)) return { ok: false, size: held?.size ?? 0 };
    this.#state.set(origin, next);
    return { ok: true };
  }

  async keepEvidence(evidence: WitnessEvidence): Promise<void> {
    this.#evidence.push(evidence);
    if (evidence.kind !== 'inconsistent') this.#halted.add(evidence.origin);
  }

  async evidence(origin: string): Promise<readonly WitnessEvidence[]> {
    return this.#evidence.filter((e) => e.origin === origin);
  }

  async halted(origin: string): Promise<boolean> {
    return this.#halted.has(origin);
  }

  async resume(origin: string): Promise<void> {
    this.#halted.delete(origin);
  }
}
