import { type Clock, seededRandom } from '@safety-net/core';

interface Scheduled {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void;
}

/**
 * A discrete-event simulation on a virtual clock: events run in (time, insertion) order, and after each one every
 * promise continuation it caused settles before the clock moves on, so async code (breakers, bulkheads) runs on
 * virtual time exactly as it would on real time, and the same seed gives the same run.
 */
export class Simulation {
  private readonly heap: Scheduled[] = [];
  private seq = 0;
  private time: number;
  readonly clock: Clock;

  constructor(start: number) {
    this.time = start;
    this.clock = { now: () => this.time };
  }

  get now(): number {
    return this.time;
  }

  /** Runs `run` at virtual time `at` (not before now). */
  at(at: number, run: () => void): void {
    const item = { at: Math.max(at, this.time), seq: this.seq++, run };
    const h = this.heap;
    h.push(item);
    for (let i = h.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  /** A promise that resolves `ms` of virtual time from now. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.at(this.time + ms, resolve));
  }

  /** Runs events until none is left or the next one is after `until`. */
  async run(until: number): Promise<void> {
    while (this.heap.length > 0 && this.heap[0]!.at <= until) {
      const next = this.pop();
      this.time = next.at;
      next.run();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.time = Math.max(this.time, until);
  }

  private pop(): Scheduled {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Scheduled, b: Scheduled): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** Uniform draws in [0, 1) from core's seeded stream (53 bits each). */
export function uniforms(seed: string): () => number {
  const random = seededRandom(seed);
  let view: DataView = new DataView(new ArrayBuffer(0));
  let at = 0;
  return () => {
    if (at + 8 > view.byteLength) {
      const bytes = random.bytes(4096);
      view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      at = 0;
    }
    const hi = view.getUint32(at) >>> 5;
    const lo = view.getUint32(at + 4) >>> 6;
    at += 8;
    return (hi * 67108864 + lo) / 9007199254740992;
  };
}
