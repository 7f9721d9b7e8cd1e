/**
 * The `au-netting` vectors of `cross-domain-audit.md` §13 (rows 44, 45): net positions from settlement receipts and
 * the fewest transfers that settle them. The expected values are worked out by hand below, not by the package.
 */
import type { Vector } from '../../format.js';
import { vector } from '../common.js';

const receipt = (payer: string, payee: string, total: string, currency = 'EUR') => ({ payer, payee, total, currency });

function auNetting(id: string, description: string, input: object, expected: object): Vector {
  return {
    ...vector({ id, description, kind: 'au-netting', input, options: {}, expected }),
    package: 'cross-domain-audit',
  };
}

export function crossDomainAuditNettingVectors(): Vector[] {
  const [a, b, c] = ['https://a.example', 'https://b.example', 'https://c.example'];
  // a owes b 100.00, b owes c 30.00, c owes a 50.00: a −50, b +70, c −20 (exact, in shortest form); one group,
  // so two transfers, each debtor paying the one creditor.
  const three = [receipt(a, b, '100.00'), receipt(b, c, '30.00'), receipt(c, a, '50.00')];
  // Six parties whose positions fall into two zero-sum groups, {p, q} and {r, s, t, u}: 6 − 2 = 4 transfers, where
  // paying the largest debtor to the largest creditor alone would take five.
  const [p, q, r, s, t, u] = ['p', 'q', 'r', 's', 't', 'u'].map((n) => `https://${n}.example`) as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const six = [receipt(p, q, '10'), receipt(r, t, '4'), receipt(r, u, '1'), receipt(s, u, '7')];
  return [
    auNetting(
      'netting-three-domains',
      'Three domains settle their receipts with two transfers (cross-domain-audit.md §8.6).',
      { currency: 'EUR', receipts: three },
      {
        result: 'valid',
        positions: { [a]: '-50', [b]: '70', [c]: '-20' },
        transfers: [
          { from: a, to: b, amount: '50' },
          { from: c, to: b, amount: '20' },
        ],
        method: 'exact',
      },
    ),
    auNetting(
      'netting-zero-sum-groups',
      'Six domains in two zero-sum groups: the exact method finds four transfers, not five (cross-domain-audit.md §8.6).',
      { currency: 'EUR', receipts: six },
      {
        result: 'valid',
        positions: { [p]: '-10', [q]: '10', [r]: '-5', [s]: '-7', [t]: '4', [u]: '8' },
        transfers: [
          { from: p, to: q, amount: '10' },
          { from: s, to: u, amount: '7' },
          { from: r, to: t, amount: '4' },
          { from: r, to: u, amount: '1' },
        ],
        method: 'exact',
      },
    ),
    auNetting(
      'netting-other-currency',
      'A receipt in another currency than the netting is refused (cross-domain-audit.md §8.6).',
      { currency: 'EUR', receipts: [receipt(a, b, '1.00'), receipt(b, a, '2.00', 'USD')] },
      { result: 'invalid', error: 'ERR_INPUT_INVALID' },
    ),
  ];
}
