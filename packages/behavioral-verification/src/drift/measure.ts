import type { NumericDetector } from './alarm.js';
import { gaussianStream } from './synthetic.js';

/** How a detector was measured on seeded synthetic N(0, 1) streams. */
export interface DetectorMeasurement {
  /** Alarms per 10,000 in-control values (no shift). */
  readonly falseAlarmsPer10k: number;
  /** Mean number of values after a mean shift of each size (in σ) until the first alarm, the shifted one included. */
  readonly meanDelay: Readonly<Record<string, number>>;
}

/** What to measure. */
export interface MeasureOptions {
  readonly seed: string;
  /** In-control values for the false-alarm rate. Default 100,000. */
  readonly inControl?: number;
  /** Shifts of the mean, in σ. Default [1, 2]. */
  readonly shifts?: readonly number[];
  /** Streams per shift for the delay. Default 200. */
  readonly trials?: number;
  /** In-control values before the shift in each delay trial. Default 100. */
  readonly changeAt?: number;
  /** A trial without an alarm within this many shifted values counts this many. Default 1000. */
  readonly maxDelay?: number;
}

/**
 * Measures a detector built fresh by `make` for baseline N(0, 1): its false-alarm rate on one long in-control
 * stream, and its mean detection delay after a shift of the mean (alarms before the shift are ignored; the
 * detector restarts after each alarm). Deterministic for a given seed.
 *
 * @example
 * ```ts
 * measureDetector(() => new Cusum({ mean: 0, sd: 1 }), { seed: 'm' }); // { falseAlarmsPer10k: …, meanDelay: { '1': …, '2': … } }
 * ```
 */
export function measureDetector(make: () => NumericDetector, options: MeasureOptions): DetectorMeasurement {
  const inControl = options.inControl ?? 100_000;
  const trials = options.trials ?? 200;
  const changeAt = options.changeAt ?? 100;
  const maxDelay = options.maxDelay ?? 1000;
  const noise = gaussianStream(`${options.seed}/in-control`);
  const detector = make();
  let alarms = 0;
  for (let i = 0; i < inControl; i++) if (detector.step(noise())) alarms++;
  const meanDelay: Record<string, number> = {};
  for (const shift of options.shifts ?? [1, 2]) {
    const shifted = gaussianStream(`${options.seed}/shift-${shift}`);
    let total = 0;
    for (let t = 0; t < trials; t++) {
      const d = make();
      for (let i = 0; i < changeAt; i++) d.step(shifted());
      let delay = maxDelay;
      for (let i = 1; i <= maxDelay; i++) {
        if (d.step(shifted() + shift)) {
          delay = i;
          break;
        }
      }
      total += delay;
    }
    meanDelay[String(shift)] = total / trials;
  }
  return { falseAlarmsPer10k: (alarms * 10_000) / inControl, meanDelay };
}
