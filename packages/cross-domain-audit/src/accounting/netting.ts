import {
  type Clock,
  type KeyResolver,
  type MultiVerifyResult,
  type PrivateKey,
  type PublicKey,
  signMultiSigned,
  snError,
  utf8,
  verifyMultiSigned,
} from '@safety-net/core';
import { compareBytes } from '@safety-net/core/internal';
import { auError } from '../errors.js';
import { type NettingClaims, nettingStatement, type Transfer } from '../messages/netting.js';
import type { SettlementClaims } from '../messages/settlement.js';
import { addDecimal, compareDecimal, type Decimal, formatDecimal, parseDecimal, ZERO } from './decimal.js';

/** Parties up to which the exact minimum is computed (spec §8.6); beyond, the greedy method. */
export const EXACT_NETTING_PARTIES = 16;
/** Most parties of one netting (spec §9). */
const MAX_PARTIES = 1000;

/** Transfers that settle a set of positions, and how they were found. */
export interface NettingPlan {
  readonly transfers: Transfer[];
  readonly method: 'exact' | 'greedy';
}

const byId = (a: string, b: string) => compareBytes(utf8(a), utf8(b));

/**
 * Net positions from settlement receipts of one currency (spec §8.6): what each domain is owed minus what it owes,
 * exactly. Receipts of another currency are `ERR_INPUT_INVALID`.
 */
export function netPositions(
  receipts: readonly Pick<SettlementClaims, 'payer' | 'payee' | 'total' | 'currency'>[],
  currency: string,
): Record<string, string> {
  const net = new Map<string, Decimal>();
  const move = (domain: string, amount: Decimal) => net.set(domain, addDecimal(net.get(domain) ?? ZERO, amount));
  for (const r of receipts) {
    if (r.currency !== currency) throw snError('ERR_INPUT_INVALID', `a receipt in ${r.currency}, netting ${currency}`);
    const total = parseDecimal(r.total);
    move(r.payee, total);
    move(r.payer, { units: -total.units, scale: total.scale });
  }
  return Object.fromEntries([...net.keys()].sort(byId).map((d) => [d, formatDecimal(net.get(d)!)]));
}

/** All positions at one scale, as integers, in domain id order. */
function scaled(positions: Record<string, string>): { ids: string[]; values: bigint[]; scale: number } {
  const ids = Object.keys(positions).sort(byId);
  if (ids.length > MAX_PARTIES) throw auError('ERR_AU_CONFIG_INVALID', `over ${MAX_PARTIES} parties`);
  const parsed = ids.map((id) => parseDecimal(positions[id]!));
  const scale = Math.max(0, ...parsed.map((d) => d.scale));
  const values = parsed.map((d) => d.units * 10n ** BigInt(scale - d.scale));
  if (values.reduce((a, b) => a + b, 0n) !== 0n) throw snError('ERR_INPUT_INVALID', 'positions do not sum to zero');
  return { ids, values, scale };
}

/**
 * The greedy method over the parties `members` (indices): the largest debtor pays the largest creditor the smaller
 * of the two amounts, until all are settled, ties broken by domain id. Each transfer settles at least one party,
 * and the last settles two: at most `members − 1` transfers.
 */
function greedy(values: bigint[], members: number[]): { from: number; to: number; amount: bigint }[] {
  const left = new Map(members.map((i) => [i, values[i]!]));
  const out: { from: number; to: number; amount: bigint }[] = [];
  for (;;) {
    let debtor = -1;
    let creditor = -1;
    for (const [i, v] of left) {
      if (v < 0n && (debtor < 0 || v < left.get(debtor)!)) debtor = i;
      if (v > 0n && (creditor < 0 || v > left.get(creditor)!)) creditor = i;
    }
    if (debtor < 0 || creditor < 0) return out;
    const debt = -left.get(debtor)!;
    const credit = left.get(creditor)!;
    // Math.min takes no bigints.
    let amount = credit;
    if (debt < credit) amount = debt;
    out.push({ from: debtor, to: creditor, amount });
    left.set(debtor, left.get(debtor)! + amount);
    left.set(creditor, left.get(creditor)! - amount);
  }
}

/**
 * The most disjoint zero-sum groups the parties split into (dynamic programming over subsets, spec §8.6): the
 * minimum number of transfers is `N − g`. Returns the groups as lists of indices.
 */
function zeroSumGroups(values: bigint[]): number[][] {
  const n = values.length;
  const full = (1 << n) - 1;
  const sum = new Array<bigint>(1 << n).fill(0n);
  for (let mask = 1; mask <= full; mask++) {
    const low = 31 - Math.clz32(mask & -mask);
    sum[mask] = sum[mask & (mask - 1)]! + values[low]!;
  }
  // best[mask]: the most zero-sum prefixes of any order of adding the parties of `mask` one by one.
  const best = new Int8Array(1 << n);
  for (let mask = 1; mask <= full; mask++) {
    let most = 0;
    for (let rest = mask; rest; rest &= rest - 1) {
      const i = 31 - Math.clz32(rest & -rest);
      const b = best[mask & ~(1 << i)]!;
      if (b > most) most = b;
    }
    best[mask] = most + (sum[mask] === 0n ? 1 : 0);
  }
  // Walk back from the full set, removing the lowest-index party that keeps the optimum; a zero-sum remainder
  // closes a group.
  const groups: number[][] = [];
  let current: number[] = [];
  let mask = full;
  while (mask) {
    const target = best[mask]! - (sum[mask] === 0n ? 1 : 0);
    let i = 0;
    while (!((mask >> i) & 1) || best[mask & ~(1 << i)]! !== target) i++;
    current.push(i);
    mask &= ~(1 << i);
    if (sum[mask] === 0n) {
      groups.push(current.sort((a, b) => a - b));
      current = [];
    }
  }
  return groups;
}

/**
 * The transfers that settle `positions` (domain → decimal, summing to zero) with the fewest transfers (spec §8.6):
 * the exact minimum `N − g` for at most 16 parties, the greedy method (at most `N − 1`) beyond. Deterministic:
 * every party computes the same transfers.
 */
export function planTransfers(positions: Record<string, string>): NettingPlan {
  const { ids, values, scale } = scaled(positions);
  const method = ids.length <= EXACT_NETTING_PARTIES ? 'exact' : 'greedy';
  const groups = method === 'exact' ? zeroSumGroups(values) : [ids.map((_, i) => i)];
  const transfers = groups.flatMap((g) => greedy(values, g));
  return {
    method,
    transfers: transfers.map((t) => ({
      from: ids[t.from]!,
      to: ids[t.to]!,
      amount: formatDecimal({ units: t.amount, scale }),
    })),
  };
}

/**
 * Checks a Netting Statement (spec §8.6): its transfers settle its positions exactly, between parties it lists,
 * and are as few as its method promises; with `receipts`, its positions are theirs. `ERR_AU_NETTING_INVALID`
 * otherwise.
 */
export function checkNetting(claims: NettingClaims, receipts?: readonly SettlementClaims[]): void {
  const positions = claims.positions;
  if (receipts) {
    const expected = netPositions(receipts, claims.currency);
    const same =
      Object.keys(expected).length === Object.keys(positions).length &&
      Object.entries(expected).every(
        ([d, v]) => positions[d] !== undefined && compareDecimal(parseDecimal(v), parseDecimal(positions[d]!)) === 0,
      );
    if (!same) throw auError('ERR_AU_NETTING_INVALID', 'positions do not follow from the receipts');
  }
  const left = new Map(Object.entries(positions).map(([d, v]) => [d, parseDecimal(v)]));
  for (const t of claims.transfers) {
    const from = left.get(t.from);
    const to = left.get(t.to);
    if (!from || !to) throw auError('ERR_AU_NETTING_INVALID', `a transfer names a party without a position`);
    const amount = parseDecimal(t.amount);
    left.set(t.from, addDecimal(from, amount));
    left.set(t.to, addDecimal(to, { units: -amount.units, scale: amount.scale }));
  }
  for (const [d, v] of left) {
    if (compareDecimal(v, ZERO) !== 0) throw auError('ERR_AU_NETTING_INVALID', `${d} is left at ${formatDecimal(v)}`);
  }
  const fewest = planTransfers(positions).transfers.length;
  const allowed = claims.method === 'exact' ? fewest : Object.keys(positions).length - 1;
  if (claims.transfers.length > allowed) {
    throw auError(
      'ERR_AU_NETTING_INVALID',
      `${claims.transfers.length} transfers, the ${claims.method} method needs ${allowed}`,
    );
  }
}

/** Every party signs a Netting Statement (COSE_Sign), or the clearing party they agreed on alone. */
export function signNetting(claims: NettingClaims, keys: readonly PrivateKey[]): Uint8Array {
  return signMultiSigned(
    nettingStatement,
    claims,
    keys.map((key) => ({ key })),
  );
}

/**
 * Verifies a Netting Statement's signatures: by every party with a position, or by `clearing` alone when the
 * parties agreed on one. Check its transfers with {@link checkNetting}.
 */
export function verifyNetting(
  bytes: Uint8Array,
  options: { keys: KeyResolver | PublicKey; clock?: Clock; clearing?: string },
): Promise<MultiVerifyResult<NettingClaims>> {
  return verifyMultiSigned(nettingStatement, bytes, {
    clock: options.clock,
    parties: (c) =>
      options.clearing !== undefined
        ? [{ issuer: options.clearing, key: options.keys }]
        : Object.keys(c.positions).map((issuer) => ({ issuer, key: options.keys })),
  });
}
