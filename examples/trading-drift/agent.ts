import type { RandomSource } from '@safety-net/core';

/** One order the agent wants to place; amounts are exact decimal strings. */
export interface Order {
  readonly symbol: 'EURUSD';
  readonly side: 'buy' | 'sell';
  readonly notional: string;
  /** The order's change of open (net) exposure: +notional for a buy, −notional for a sell. */
  readonly exposure: string;
}

/** A uniform integer in `[0, n)` from two random bytes (n ≤ 65,536; the tiny bias is irrelevant here). */
function uniform(random: RandomSource, n: number): number {
  const [hi, lo] = random.bytes(2);
  return ((hi! * 256 + lo!) * n) >>> 16;
}

/**
 * The seed's trading agent. Before the model update it sizes orders around 200,000 (160,000–239,000); after it,
 * each order is about 50,000 larger than the last, so it drifts toward and then past the 1,000,000 limit. It
 * alternates sides to keep its net exposure near zero. Deterministic for a given random source.
 */
export class TradingAgent {
  private updated = false;
  private drifted = 0;
  /** Net exposure of the orders that ran, exact. */
  private net = 0n;

  constructor(private readonly random: RandomSource) {}

  /** The "model update" after which the agent drifts. */
  updateModel(): void {
    this.updated = true;
  }

  /** The next order the agent would place. */
  nextOrder(): Order {
    const thousands = this.updated
      ? 200 + 50 * ++this.drifted + uniform(this.random, 21) - 10
      : 160 + uniform(this.random, 80);
    const notional = BigInt(thousands) * 1000n;
    const side = this.net <= 0n ? 'buy' : 'sell';
    return {
      symbol: 'EURUSD',
      side,
      notional: notional.toString(),
      exposure: (side === 'buy' ? notional : -notional).toString(),
    };
  }

  /** Tells the agent its order ran (a blocked order changes nothing). */
  filled(order: Order): void {
    this.net += BigInt(order.exposure);
  }
}
