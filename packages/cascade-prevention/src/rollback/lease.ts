import { cpError } from '../errors.js';

/** A rollback's lease as a store holds it: which coordinator instance drives it, with which token, until when (ms). */
export interface Lease {
  readonly instance: string;
  readonly token: number;
  readonly until: number;
}

/**
 * The token `instance` gets for a rollback whose lease is `held` (spec §6.6): the same one while it keeps the lease,
 * the next one when it takes the lease over; `ERR_CP_LEASE_LOST` while another instance holds it unexpired. Every
 * store applies this rule inside one transaction.
 */
export function nextToken(rollback: string, instance: string, now: number, held: Lease | undefined): number {
  if (!held) return 1;
  if (held.instance === instance) return Number(held.token);
  if (Number(held.until) > now) throw cpError('ERR_CP_LEASE_LOST', `${rollback} is driven by ${held.instance}`);
  return Number(held.token) + 1;
}
