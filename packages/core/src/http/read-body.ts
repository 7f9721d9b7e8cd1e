import { isSafetyNetError, snError } from '../errors/index.js';
import { joinBytes } from '../util/bytes.js';

/** Options of `readBody`. */
export interface ReadBodyOptions {
  /** Largest body accepted, bytes. */
  readonly max: number;
  /** Longest time the whole body may take to arrive, ms; absent: no limit of its own. */
  readonly timeoutMs?: number;
}

/**
 * Reads an HTTP body from a peer that may misbehave, up to `max` bytes. A declared (`Content-Length`) or actual size
 * beyond it is `ERR_INPUT_TOO_LARGE`, refused without reading the rest; a stream that fails (a connection reset, a
 * body shorter than its `Content-Length`) is `ERR_INPUT_INVALID`. With `timeoutMs`, a body that has not arrived whole
 * by then — a slow drip included — is read as `undefined`, so that the caller can answer `408`: a streamed body is
 * cancelled, one of declared length (read whole) abandoned to the server, which closes the connection it left.
 */
export function readBody(
  message: Request | Response,
  options: ReadBodyOptions & { timeoutMs: number },
): Promise<Uint8Array | undefined>;
/** Reads an HTTP body without a time limit of its own (see the signature with `timeoutMs`). */
export function readBody(message: Request | Response, options: ReadBodyOptions): Promise<Uint8Array>;
export async function readBody(message: Request | Response, options: ReadBodyOptions): Promise<Uint8Array | undefined> {
  const { max, timeoutMs } = options;
  const length = message.headers.get('content-length');
  const declared = Number(length ?? 0);
  if (declared > max) throw snError('ERR_INPUT_TOO_LARGE', `body of ${declared} bytes`);
  if (length !== null && /^\d+$/.test(length)) return readDeclared(message, max, timeoutMs);
  if (!message.body) return new Uint8Array();
  const reader = message.body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late =
    timeoutMs === undefined
      ? undefined
      : new Promise<'late'>((resolve) => {
          timer = setTimeout(() => resolve('late'), timeoutMs);
        });
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const next = late ? await Promise.race([reader.read(), late]) : await reader.read();
      if (next === 'late') {
        // Cancelled rather than left to run: a peer that drips a byte at a time holds nothing after the answer.
        reader.cancel().catch(() => {});
        return undefined;
      }
      if (next.done) break;
      size += next.value.length;
      if (size > max) {
        await reader.cancel();
        throw snError('ERR_INPUT_TOO_LARGE', `body over ${max} bytes`);
      }
      chunks.push(next.value);
    }
  } catch (e) {
    if (isSafetyNetError(e)) throw e;
    throw snError('ERR_INPUT_INVALID', 'body could not be read', { cause: e });
  } finally {
    clearTimeout(timer);
  }
  return joinBytes(chunks);
}

/**
 * A body whose length is declared within the limit, read whole with `arrayBuffer()`: the HTTP framing holds it to
 * that length, and servers such as @hono/node-server answer `arrayBuffer()` from the socket's bytes without building
 * the Request and stream that reading `body` needs. At the timeout the read is abandoned rather than cancelled (a
 * body being read whole cannot be): the server closes a connection whose body was left unread.
 */
async function readDeclared(
  message: Request | Response,
  max: number,
  timeoutMs: number | undefined,
): Promise<Uint8Array | undefined> {
  const read = message.arrayBuffer().then(
    (buffer) => new Uint8Array(buffer),
    (e: unknown) => {
      throw snError('ERR_INPUT_INVALID', 'body could not be read', { cause: e });
    },
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const body =
      timeoutMs === undefined
        ? await read
        : await Promise.race([
            read,
            new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs))),
          ]);
    if (body === undefined) read.catch(() => {});
    // A message built in process may carry more than it declares.
    else if (body.length > max) throw snError('ERR_INPUT_TOO_LARGE', `body over ${max} bytes`);
    return body;
  } finally {
    clearTimeout(timer);
  }
}

/** The media type of a message, without parameters and in lower case (`application/cose`), or undefined. */
export function mediaTypeOf(message: Request | Response): string | undefined {
  return message.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
}
