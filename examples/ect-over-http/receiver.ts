import {
  type Clock,
  EctDag,
  EXECUTION_CONTEXT_HEADER,
  ect,
  isSafetyNetError,
  type KeyResolver,
  MemoryLedger,
  MemoryReplayCache,
  parseExecutionContext,
  utf8,
  verifyJws,
} from '@safety-net/core';

/** What the receiving agent answers for each token it was sent. */
export type Verdict = { accepted: true; jti: string; exec_act: string } | { accepted: false; code: string };

/**
 * The receiving agent's HTTP handler, Web-standard Request → Response: it verifies every ECT in the
 * `Execution-Context` header (signature, typ, time, audience, replay), inserts it into its ECT DAG (the draft's
 * checks, in order) and appends it to its audit ledger.
 */
export function createReceiver(options: { keys: KeyResolver; audience: string; clock: Clock }) {
  const dag = new EctDag();
  const ledger = new MemoryLedger();
  const replay = new MemoryReplayCache();
  const verifyOptions = { key: options.keys, audience: options.audience, clock: options.clock, replay };

  async function admit(carried: ReturnType<typeof parseExecutionContext>[number]): Promise<Verdict> {
    const result =
      carried.format === 'cose'
        ? ect.verify(carried.bytes, verifyOptions)
        : await verifyJws(ect, carried.token, verifyOptions);
    if (!result.ok) return { accepted: false, code: result.error.code };
    try {
      dag.insert(result.claims);
    } catch (e) {
      if (isSafetyNetError(e)) return { accepted: false, code: e.code };
      throw e;
    }
    const raw = carried.format === 'cose' ? carried.bytes : utf8(carried.token);
    await ledger.append({ claims: result.claims, format: carried.format, raw });
    return { accepted: true, jti: result.claims.jti, exec_act: result.claims.exec_act };
  }

  async function handle(request: Request): Promise<Response> {
    let carried: ReturnType<typeof parseExecutionContext>;
    try {
      carried = parseExecutionContext(request.headers.get(EXECUTION_CONTEXT_HEADER));
    } catch (e) {
      if (isSafetyNetError(e)) return Response.json({ verdicts: [{ accepted: false, code: e.code }] }, { status: 400 });
      throw e;
    }
    const verdicts: Verdict[] = [];
    for (const c of carried) verdicts.push(await admit(c));
    const status = verdicts.every((v) => v.accepted) ? 200 : 403;
    return Response.json({ verdicts }, { status });
  }

  return { handle, dag, ledger };
}
