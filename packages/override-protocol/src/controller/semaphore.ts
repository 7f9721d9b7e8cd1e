/** At most `limit` holders at once; the others wait in arrival order (spec §4.11: concurrent deliveries). */
export class Semaphore {
  readonly #limit: number;
  #held = 0;
  readonly #queue: (() => void)[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#held >= this.#limit) await new Promise<void>((resolve) => this.#queue.push(resolve));
    else this.#held++;
    try {
      return await work();
    } finally {
      const next = this.#queue.shift();
      if (next) next();
      else this.#held--;
    }
  }
}
