import { isSafetyNetError, snError } from '../errors/index.js';
import { concatBytes } from '../util/bytes.js';

/** The subset of the Fetch API a remote key set uses, so any runtime's `fetch` (or a test's) fits. */
export type FetchLike = (
  url: string,
  init: { headers: Record<string, string>; signal: AbortSignal },
) => Promise<Response>;

/** One fetch of a key set document. */
export interface KeySetRequest {
  readonly url: string;
  readonly accept: string;
  /** The held set's validator, sent as `If-None-Match`. */
  readonly etag: string | undefined;
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

/** What the publisher answered: a new document, or that the held one is still current. */
export type KeySetResponse =
  | { readonly status: 200; readonly body: Uint8Array; readonly etag: string | undefined; readonly headers: Headers }
  | { readonly status: 304; readonly headers: Headers };

/** Whether keys may be read from `url`: https, or http to this machine only (a key set read in clear is anyone's). */
function isTrustedTransport(url: URL): boolean {
  const { protocol, hostname } = url;
  const loopback = hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
  return protocol === 'https:' || (protocol === 'http:' && loopback);
}

/** The URL of a remote key set, checked: `ERR_INPUT_INVALID` unless it parses and {@link isTrustedTransport}. */
export function keySetUrl(input: string | URL): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch (e) {
    throw snError('ERR_INPUT_INVALID', 'remote key set: the URL does not parse', { cause: e });
  }
  if (!isTrustedTransport(url)) {
    throw snError('ERR_INPUT_INVALID', 'remote key set: the URL must be https (http only for a loopback host)');
  }
  return url.href;
}

function fetchFailed(detail: string, cause?: unknown): never {
  throw snError('ERR_KEY_SET_FETCH_FAILED', detail, cause === undefined ? undefined : { cause });
}

/** Whether `e` is the abort of our own timeout signal (its reason is a `TimeoutError`). */
function isTimeout(e: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (e instanceof Error && e.name === 'TimeoutError');
}

/**
 * The body, read chunk by chunk and abandoned as soon as it passes `maxBytes`, so that a publisher (or whoever
 * answers in its place) cannot make us buffer an unbounded response. A declared `Content-Length` over the limit is
 * refused before reading.
 */
async function readBounded(response: Response, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => snError('ERR_KEY_SET_INVALID', `key set larger than ${maxBytes} bytes`);
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) {
    const whole = new Uint8Array(await response.arrayBuffer());
    if (whole.length > maxBytes) throw tooLarge();
    return whole;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return concatBytes(...chunks);
}

/**
 * Fetches a key set document within the request's timeout and size limit. Every failure is a typed error:
 * `ERR_KEY_SET_FETCH_FAILED` (network, timeout, HTTP status) or `ERR_KEY_SET_INVALID` (too large).
 */
export async function fetchKeySet(fetchImpl: FetchLike, request: KeySetRequest): Promise<KeySetResponse> {
  const signal = AbortSignal.timeout(request.timeoutMs);
  const headers: Record<string, string> = { accept: request.accept };
  if (request.etag !== undefined) headers['if-none-match'] = request.etag;
  let response: Response;
  try {
    response = await fetchImpl(request.url, { headers, signal });
  } catch (e) {
    fetchFailed(isTimeout(e, signal) ? `no answer within ${request.timeoutMs} ms` : 'the request failed', e);
  }
  // fetch follows redirects; the rule on the configured URL holds for where it ended up too.
  if (response.url && !isTrustedTransport(new URL(response.url))) {
    await response.body?.cancel().catch(() => undefined);
    fetchFailed('redirected to a URL that is not https');
  }
  if (response.status === 304 && request.etag !== undefined) {
    await response.body?.cancel().catch(() => undefined);
    return { status: 304, headers: response.headers };
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    fetchFailed(`HTTP status ${response.status}`);
  }
  let body: Uint8Array;
  try {
    body = await readBounded(response, request.maxBytes);
  } catch (e) {
    if (isSafetyNetError(e, 'ERR_KEY_SET_INVALID')) throw e;
    fetchFailed(
      isTimeout(e, signal) ? `body not read within ${request.timeoutMs} ms` : 'the body could not be read',
      e,
    );
  }
  return { status: 200, body, etag: response.headers.get('etag') ?? undefined, headers: response.headers };
}
