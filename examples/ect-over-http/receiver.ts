import {
  type Clock,
  EctDag,
  type KeyResolver,
  MemoryLedger,
  MemoryReplayCache,
  withExecutionContext,
} from '@safety-net/core';

/**
 * The receiving agent's HTTP handler, Web-standard Request → Response. `withExecutionContext` verifies every ECT
 * in the `Execution-Context` header (signature, typ, time, audience), fits them into the agent's ECT DAG, spends
 * their ids in the replay cache and answers any refusal with a problem response; the handler only sees accepted
 * tasks, which it appends to its audit ledger.
 */
export function createReceiver(options: { keys: KeyResolver; audience: string; clock: Clock }) {
  const dag = new EctDag();
  const ledger = new MemoryLedger();
  const replay = new MemoryReplayCache();
  const handle = withExecutionContext(
    async (_request, { ects }) => {
      for (const e of ects) await ledger.append({ claims: e.claims, format: e.format, raw: e.raw });
      return Response.json({ accepted: ects.map((e) => e.claims.exec_act) });
    },
    { key: options.keys, audience: options.audience, clock: options.clock, replay, dag },
  );
  return { handle, dag, ledger };
}
