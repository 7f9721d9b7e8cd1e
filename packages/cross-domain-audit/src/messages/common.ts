import * as z from 'zod';

/**
 * An exact decimal (`decimal`, spec §2): money and metered quantities travel as strings, never binary floating
 * point.
 */
export const DecimalSchema = z.string().regex(/^-?(0|[1-9][0-9]{0,29})(\.[0-9]{1,18})?$/, 'decimal');

/** An ISO 4217 currency code (`currency`, spec §2). */
export const CurrencySchema = z.string().regex(/^[A-Z]{3}$/, 'currency');

/** A checkpoint origin line (`origin`, spec §2): no spaces, no `+`. */
export const OriginSchema = z.string().regex(/^[^\s+]{1,256}$/, 'origin');

/** Every message of this package is a node of the ECT DAG: core's shape and labels of such messages. */
export { DAG_MESSAGE_LABELS as MESSAGE_LABELS, DagMessageShape as MessageShape } from '@safety-net/core';
