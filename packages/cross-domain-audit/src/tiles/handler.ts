import { encodeCbor, fromHex, isSafetyNetError, toHex } from '@safety-net/core';
import { readBody } from '@safety-net/core/internal';
import type { ErasureDesk } from '../erasure/erasure-desk.js';
import { encodeLogEntry, entryLeafHash } from '../log/entry.js';
import type { TransparencyLog } from '../log/transparency-log.js';
import type { ReceiptIssuer } from '../receipt/receipt.js';
import { parseTilePath } from './paths.js';
import type { Registrar } from './registrar.js';

/** Options of {@link logHandler}. */
export interface LogHandlerOptions {
  readonly log: TransparencyLog;
  /** The path the log is served under, e.g. `/audit/main` (default: the root). */
  readonly prefix?: string;
  /** Registration and receipts are served only with both. */
  readonly registrar?: Registrar;
  readonly receipts?: ReceiptIssuer;
  /** How long a registration waits to be integrated before answering 202 (default 1,000 ms). */
  readonly waitMs?: number;
  /** Largest registration body (default 1 MiB: the message may carry disclosures its entry drops). */
  readonly maxBodyBytes?: number;
  /**
   * Authenticates an auditor for the workflow index (`wid/<id>`, spec §5.5), e.g. by checking a bearer token; the
   * index is served only with it, and a request it refuses is `401`.
   */
  readonly authorizeAuditor?: (request: Request) => boolean | Promise<boolean>;
  /**
   * Most indices one workflow index answer holds (default 100,001: one more than `traceWorkflow`'s record limit,
   * so that a reader can tell a workflow over it).
   */
  readonly maxWorkflowIndices?: number;
  /** Answers peers' Erasure Requests at `POST <prefix>/erasure-request` (spec §7.3); not served without it. */
  readonly erasureDesk?: Pick<ErasureDesk, 'answer'>;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
const PROFILE_CODES = new Set(['ERR_AU_FIELD_MISSING', 'ERR_AU_NOT_REDACTED', 'ERR_AU_PROFILE_UNKNOWN']);

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const notFound = () => new Response('not found\n', { status: 404, headers: { 'content-type': 'text/plain' } });

/**
 * The log's HTTP surface as a Web-standard `Request → Response` function (spec §5.4, §5.5): `checkpoint`, hash tiles
 * and entry bundles by their static paths, `add-entry` registration, `receipt/<leaf hash hex>`, peers' Erasure
 * Requests at `erasure-request` and, for auditors that `authorizeAuditor` admits, the workflow index `wid/<id>`. Mount it in any
 * server that speaks Fetch (Node, Deno, Bun, workers, core's adapters).
 *
 * @example
 * ```ts
 * const handle = logHandler({ log, prefix: '/audit/main', registrar, receipts });
 * const response = await handle(new Request('https://hospital.example/audit/main/checkpoint'));
 * ```
 */
export function logHandler(options: LogHandlerOptions): (request: Request) => Promise<Response> {
  const prefix = (options.prefix ?? '').replace(/\/+$/, '');
  const { log } = options;
  return async (request) => {
    const path = new URL(request.url).pathname;
    if (!path.startsWith(`${prefix}/`)) return notFound();
    const rest = path.slice(prefix.length + 1);
    const isGet = request.method === 'GET' || request.method === 'HEAD';
    if (rest === 'add-entry') {
      if (request.method !== 'POST') return new Response(null, { status: 405, headers: { allow: 'POST' } });
      return register(options, prefix, request);
    }
    if (rest === 'erasure-request' && options.erasureDesk) {
      if (request.method !== 'POST') return new Response(null, { status: 405, headers: { allow: 'POST' } });
      return answerErasure(options.erasureDesk, request);
    }
    if (!isGet) return new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } });
    if (rest === 'checkpoint') {
      const text = await log.checkpoint();
      if (text === undefined) return notFound();
      return new Response(text, {
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'public, max-age=2' },
      });
    }
    if (rest.startsWith('wid/') && options.authorizeAuditor) return workflowIndex(options, rest.slice(4), request);
    if (rest.startsWith('receipt/')) {
      const hex = rest.slice('receipt/'.length);
      if (!options.receipts || !/^[0-9a-f]{64}$/.test(hex)) return notFound();
      const index = await log.indexOf(fromHex(hex));
      if (index === undefined) return notFound();
      return receiptResponse(options.receipts, log, index, 200);
    }
    const tile = parseTilePath(rest);
    const bytes = tile && (await log.tile(tile));
    if (!bytes) return notFound();
    return new Response(bytes, { headers: { 'content-type': 'application/octet-stream', 'cache-control': IMMUTABLE } });
  };
}

/** `wid/<id>`: the leaf indices of a workflow's entries, as a CBOR array, for an authenticated auditor only. */
async function workflowIndex(options: LogHandlerOptions, encoded: string, request: Request): Promise<Response> {
  let key: string;
  try {
    key = decodeURIComponent(encoded);
  } catch {
    return notFound();
  }
  if (key.length < 1 || key.length > 256) return notFound();
  if (!(await options.authorizeAuditor!(request))) {
    return new Response(JSON.stringify({ code: 'ERR_KEY_UNTRUSTED' }), {
      status: 401,
      headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer', 'cache-control': 'no-store' },
    });
  }
  try {
    const indices = await options.log.workflow(key, options.maxWorkflowIndices ?? 100_001);
    return new Response(encodeCbor([...indices]), {
      headers: { 'content-type': 'application/cbor', 'cache-control': 'private, no-store' },
    });
  } catch (e) {
    return refusal(e);
  }
}

async function receiptResponse(
  issuer: ReceiptIssuer,
  log: TransparencyLog,
  index: number,
  status: number,
  location?: string,
): Promise<Response> {
  const head = await log.treeHead();
  const path = await log.inclusionProof(index, head.size);
  const receipt = issuer.issue({ index, size: head.size, path, rootHash: head.rootHash });
  const headers: Record<string, string> = { 'content-type': 'application/cose', 'cache-control': 'no-store' };
  if (location) headers.location = location;
  return new Response(receipt, { status, headers });
}

async function register(options: LogHandlerOptions, prefix: string, request: Request): Promise<Response> {
  const { log, registrar, receipts } = options;
  if (!registrar || !receipts) return notFound();
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/cose') return json(415, { code: 'ERR_INPUT_INVALID' });
  let entryBytes: Uint8Array;
  let entry: Awaited<ReturnType<Registrar>>;
  try {
    const body = await readBody(request, { max: options.maxBodyBytes ?? 1_048_576, timeoutMs: 10_000 });
    if (body === undefined) return json(408, { code: 'ERR_INPUT_INVALID' });
    entry = await registrar(body);
    // Measured before encoding refuses it, so that an oversized entry is 413, not 400.
    if (encodeCbor([1, entry.kind, entry.body]).length > 65_535) return json(413, { code: 'ERR_AU_ENTRY_INVALID' });
    entryBytes = encodeLogEntry(entry);
  } catch (e) {
    return refusal(e);
  }
  const location = `${prefix}/receipt/${toHex(entryLeafHash(entryBytes))}`;
  const added = log.add(entry);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), options.waitMs ?? 1000);
  });
  try {
    const outcome = await Promise.race([added, late]);
    if (outcome === 'late') {
      added.catch(() => {});
      return new Response(null, { status: 202, headers: { location } });
    }
    return receiptResponse(receipts, log, outcome.index, 200, location);
  } catch (e) {
    return refusal(e);
  } finally {
    clearTimeout(timer);
  }
}

/** Statuses of an Erasure Request's refusals; any other code is `400`. */
const ERASURE_REFUSALS: Record<string, number> = {
  ERR_KEY_NOT_FOUND: 403,
  ERR_KEY_UNTRUSTED: 403,
  ERR_AU_CONFLICT: 409,
  ERR_AU_NOT_STITCHED: 422,
  ERR_INPUT_TOO_LARGE: 413,
  ERR_AU_STORE_FAILED: 503,
};

/** `erasure-request`: honoured `200`, deferred `202`, refused with the status of its code. */
async function answerErasure(desk: Pick<ErasureDesk, 'answer'>, request: Request): Promise<Response> {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/cose') return json(415, { outcome: 'refused', code: 'ERR_INPUT_INVALID' });
  try {
    const body = await readBody(request, { max: 1_048_576, timeoutMs: 10_000 });
    if (body === undefined) return json(408, { outcome: 'refused', code: 'ERR_INPUT_INVALID' });
    const answer = await desk.answer(body);
    return json(answer.outcome === 'honoured' ? 200 : 202, answer);
  } catch (e) {
    if (!isSafetyNetError(e)) throw e;
    return json(ERASURE_REFUSALS[e.code] ?? 400, { outcome: 'refused', code: e.code });
  }
}

function refusal(e: unknown): Response {
  if (!isSafetyNetError(e)) throw e;
  if (e.code === 'ERR_INPUT_TOO_LARGE') return json(413, { code: e.code });
  if (e.code === 'ERR_KEY_UNTRUSTED') return json(403, { code: e.code });
  if (e.code === 'ERR_AU_STORE_FAILED') return json(503, { code: e.code });
  if (PROFILE_CODES.has(e.code)) {
    const fields = (e as { fields?: unknown }).fields;
    return json(422, { code: e.code, fields: Array.isArray(fields) ? fields : [] });
  }
  return json(400, { code: e.code });
}
