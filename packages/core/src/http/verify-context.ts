import type { EctDag } from '../dag/ect-dag.js';
import type { EctClaims } from '../ect/claims.js';
import { type CarriedEct, parseExecutionContext } from '../ect/http-header.js';
import { ect } from '../ect/message.js';
import { snError } from '../errors/index.js';
import { assertFresh, replayEntry } from '../messages/claims-checks.js';
import type { MessageVerifyOptions } from '../messages/define.js';
import { verifyJws } from '../messages/jws.js';
import type { Verified } from '../messages/result.js';
import { utf8 } from '../util/bytes.js';
import { epochSeconds, systemClock } from '../util/clock.js';
import { batchOrder } from './batch-order.js';

/** Options for {@link verifyExecutionContext}: the ECT verification options, and the DAG to insert into. */
export interface ExecutionContextOptions extends Omit<MessageVerifyOptions, 'externalAad' | 'detachedPayload'> {
  /** The receiver's DAG: the tokens must fit it (ECT spec §7.3) and are imported into it once accepted. */
  dag?: EctDag;
}

/** One accepted ECT: the verification result and the exact signed bytes it arrived as (for a ledger). */
export interface VerifiedEct extends Verified<EctClaims> {
  /** The COSE_Sign1 bytes, or the compact JWS as ASCII bytes. */
  readonly raw: Uint8Array;
}

/** What a verified `Execution-Context` field carried. */
export interface ExecutionContext {
  /** Every token, in a topological order (each after the predecessors it names among them). */
  readonly ects: readonly VerifiedEct[];
  /** Task ids imported into the DAG, in import order; empty when no DAG was given. */
  readonly inserted: readonly string[];
}

/**
 * Verifies an `Execution-Context` field value (as `Headers.get` returns it, or its separate field lines) and
 * accepts its tokens as a unit (ECT spec §8.1): every token is verified, all of them must fit the DAG, only then are
 * their ids spent in the replay cache, and then they are imported into the DAG. A refused token spends nothing, so
 * a sender may retry it (for instance once its predecessor has arrived).
 *
 * Fails closed: no field, or a field without a token, is `ERR_ECT_HEADER_MISSING`. Throws the `SafetyNetError` of
 * the first refusal: `ERR_ECT_HEADER_INVALID`, a token's verification code, a DAG code, or the replay cache's.
 *
 * @example
 * ```ts
 * const { ects } = await verifyExecutionContext(request.headers.get(EXECUTION_CONTEXT_HEADER), {
 *   key: keys, audience: 'https://shipping.example', replay, dag,
 * });
 * ```
 */
export async function verifyExecutionContext(
  value: string | readonly string[] | null | undefined,
  options: ExecutionContextOptions,
): Promise<ExecutionContext> {
  const carried = parseExecutionContext(value);
  if (carried.length === 0) throw snError('ERR_ECT_HEADER_MISSING');
  // The replay step is taken out of the per-token pipeline: it runs once the whole field is known to be acceptable.
  const { dag, replay, ...verifyOptions } = options;
  const received: VerifiedEct[] = [];
  for (const c of carried) received.push(await verifyCarried(c, verifyOptions));

  const claims = received.map((v) => v.claims);
  const order = dag ? byJti(received, dag.checkImport(claims)) : batchOrder(claims).map((i) => received[i]!);
  if (replay) {
    const now = epochSeconds(options.clock ?? systemClock);
    const claimOptions = ect.claimOptions(options);
    for (const v of order) {
      const entry = replayEntry(v.claims, claimOptions)!;
      assertFresh(await replay.remember(entry.jti, entry.expiresAt, now), entry.jti);
    }
  }
  if (!dag) return { ects: order, inserted: [] };
  dag.importNodes(order.map((v) => v.claims));
  return { ects: order, inserted: order.map((v) => v.claims.jti) };
}

async function verifyCarried(carried: CarriedEct, options: MessageVerifyOptions): Promise<VerifiedEct> {
  const result =
    carried.format === 'cose'
      ? await ect.verifyAsync(carried.bytes, options)
      : await verifyJws(ect, carried.token, options);
  if (!result.ok) throw result.error;
  const { ok: _, ...verified } = result;
  return { ...verified, raw: carried.format === 'cose' ? carried.bytes : utf8(carried.token) };
}

/** The verified tokens in the order of `jtis` (which names each of them once). */
function byJti(received: readonly VerifiedEct[], jtis: readonly string[]): VerifiedEct[] {
  const of = new Map(received.map((v) => [v.claims.jti, v]));
  return jtis.map((jti) => of.get(jti)!);
}
