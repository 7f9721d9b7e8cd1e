import type { BetVerdict, Decision, Violation } from '@safety-net/behavioral-verification';
import type { AnyErrorCode, EctDag, PublicKey } from '@safety-net/core';
import type { Order } from './agent.js';

/** One order the agent sent: its signed ECT, the monitor's verdict, and whether it ran. */
export interface TradeStep {
  readonly kind: 'trade';
  /** Milliseconds since the scenario started. */
  readonly t: number;
  /** 1-based order number. */
  readonly n: number;
  /** Whether the order came after the model update. */
  readonly afterUpdate: boolean;
  readonly jti: string;
  /** The signed ECT (COSE_Sign1) the agent sent for this order. */
  readonly ect: Uint8Array;
  readonly action: string;
  readonly order: Order;
  readonly decision: Decision;
  readonly violations: readonly Violation[];
  /** True when the order ran (only allowed orders do). */
  readonly executed: boolean;
}

/** One Behavioral Evidence Token and what the settlement desk did with it. */
export interface BetStep {
  readonly kind: 'bet';
  readonly t: number;
  readonly jti: string;
  /** The signed BET. */
  readonly bytes: Uint8Array;
  readonly verdict: BetVerdict;
  /** Orders the BET judged (Observations it commits to). */
  readonly observed: number;
  readonly appraisal: 'accept' | 'refuse';
  readonly reasons: readonly AnyErrorCode[];
  /** Executed orders of the window the desk settled (accept) or held back (refuse). */
  readonly orders: readonly string[];
}

/** Something that happened outside the agent's actions. */
export interface NoteStep {
  readonly kind: 'note';
  readonly t: number;
  readonly text: string;
}

/** One line of the timeline. */
export type Step = TradeStep | BetStep | NoteStep;

/** The scenario's outcome: the steps in order, the ECT DAG they form, and the orders that ran. */
export interface Timeline {
  readonly steps: readonly Step[];
  /** The monitor's ECT DAG: every executed order and every BET. */
  readonly dag: EctDag;
  /** Task ids of the orders that ran, in order. */
  readonly executed: readonly string[];
  /** Digest of the signed Behavioral Profile the agent was judged against. */
  readonly profile: string;
  /** When the scenario started (ms since the epoch); step times are relative to it. */
  readonly start: number;
  /** The public keys of the agent (ECTs) and the verifier (BETs), so anyone can check the tokens. */
  readonly keys: { readonly agent: PublicKey; readonly verifier: PublicKey };
}

/** `412000` → `412,000` (integer decimal strings; no floating point). */
export function groupThousands(decimal: string): string {
  return decimal.replace(/\B(?=(\d{3})+$)/g, ',');
}

function orders(n: number): string {
  return `${n} ${n === 1 ? 'order' : 'orders'}`;
}

function clockText(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `t+${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

function findings(violations: readonly Violation[]): string {
  return violations
    .map((v) => (v.class === 'drift' ? `drift: CUSUM alarm on notional (${v.rule})` : `${v.class} (${v.rule})`))
    .join('; ');
}

/** One readable line per step. */
export function formatStep(step: Step): string {
  const at = clockText(step.t);
  switch (step.kind) {
    case 'note':
      return `${at}  ── ${step.text}`;
    case 'trade': {
      const what = `${step.action} ${step.order.side.padEnd(4)} notional ${groupThousands(step.order.notional).padStart(9)}`;
      const outcome = step.executed ? step.decision : `${step.decision.toUpperCase()} (not executed)`;
      return `${at}  trade-${String(step.n).padStart(2, '0')}  ${what}  ${outcome.padEnd(5)}  ${findings(step.violations)}`.trimEnd();
    }
    case 'bet': {
      const gate =
        step.appraisal === 'accept'
          ? `desk settles ${orders(step.orders.length)}`
          : `desk REFUSES, holds ${orders(step.orders.length)} (${step.reasons.join(', ')})`;
      return `${at}  BET       ${String(step.observed)} judged, verdict ${step.verdict.padEnd(10)} → ${gate}`;
    }
  }
}
