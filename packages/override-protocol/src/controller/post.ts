import type * as NodeHttp from 'node:http';
import { joinBytes } from '@safety-net/core';
import { readBody } from '@safety-net/core/internal';
import { MAX_SIGNAL_BYTES } from '../guard/guard.js';

/** What an agent's endpoint answered to a POST: its status, media type and body, read whole. */
export interface Posted {
  readonly status: number;
  /** The `Content-Type`, as sent (empty when absent). */
  readonly type: string;
  readonly body: Uint8Array;
}

/**
 * POSTs a message (`application/cose`) to an agent's endpoint and reads the answer, of at most 64 KiB (an
 * acknowledgement is no larger than a signal). `arm` is handed the function that cancels the request, for the
 * attempt timeout to call, and returns the function to call once the request is over. Rejects when the request
 * fails, is cancelled, or is answered with a larger body. A redirect is an answer like any other: it is not
 * followed, so that the signed bytes only ever go where the agent was registered.
 */
export type Post = (url: string, bytes: Uint8Array, arm: (cancel: () => void) => () => void) => Promise<Posted>;

/** Posts through a Fetch API function: what a runtime without node:http uses, or the `fetch` a caller injects. */
export function fetchPost(fetcher: typeof fetch): Post {
  return async (url, bytes, arm) => {
    const controller = new AbortController();
    const end = arm(() => controller.abort());
    try {
      const response = await fetcher(url, {
        method: 'POST',
        body: bytes as Uint8Array<ArrayBuffer>,
        headers: { 'content-type': 'application/cose' },
        redirect: 'manual',
        signal: controller.signal,
      });
      const type = response.headers.get('content-type') ?? '';
      return { status: response.status, type, body: await readBody(response, { max: MAX_SIGNAL_BYTES }) };
    } finally {
      end();
    }
  };
}

type HttpModule = Pick<typeof NodeHttp, 'request' | 'Agent'>;

/** node:http and node:https when the runtime has them, found at run time so that other bundles never import them. */
function nodeHttp(): { http: HttpModule; https: HttpModule } | undefined {
  try {
    const get = globalThis.process?.getBuiltinModule;
    const http = get?.('node:http') as HttpModule | undefined;
    const https = get?.('node:https') as HttpModule | undefined;
    return typeof http?.request === 'function' && typeof https?.request === 'function' ? { http, https } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Posts over node:http (node:https for an `https:` endpoint) with connections kept alive per endpoint: the bytes go
 * out and come back as bytes, without the Request, Response and stream objects a `fetch` builds around each
 * exchange, which cost a fan-out several times the CPU of the exchange itself. Undefined where the runtime has no
 * node:http. `close` drops the idle connections.
 */
export function nodePost(): { post: Post; close(): void } | undefined {
  const modules = nodeHttp();
  if (modules === undefined) return undefined;
  const agents = {
    'http:': new modules.http.Agent({ keepAlive: true }),
    'https:': new modules.https.Agent({ keepAlive: true }),
  };
  const post: Post = (url, bytes, arm) =>
    new Promise<Posted>((resolve, reject) => {
      const target = new URL(url);
      const agent = agents[target.protocol as keyof typeof agents];
      if (agent === undefined) return reject(new TypeError(`${target.protocol} is not HTTP`));
      let end: (() => void) | undefined;
      // Exactly one outcome, and the attempt ended with it.
      const settle = (outcome: () => void) => {
        if (end === undefined) return;
        end();
        end = undefined;
        outcome();
      };
      const fail = (e: unknown) => settle(() => reject(e));
      const request = (target.protocol === 'https:' ? modules.https : modules.http).request(
        target,
        { method: 'POST', agent, headers: { 'content-type': 'application/cose', 'content-length': bytes.length } },
        (response) => {
          const declared = Number(response.headers['content-length'] ?? 0);
          if (declared > MAX_SIGNAL_BYTES) return request.destroy(new RangeError(`answer of ${declared} bytes`));
          const chunks: Uint8Array[] = [];
          let size = 0;
          response.on('data', (chunk: Uint8Array) => {
            size += chunk.length;
            if (size > MAX_SIGNAL_BYTES) request.destroy(new RangeError(`answer over ${MAX_SIGNAL_BYTES} bytes`));
            else chunks.push(chunk);
          });
          response.on('end', () => {
            const type = response.headers['content-type'] ?? '';
            settle(() => resolve({ status: response.statusCode ?? 0, type, body: joinBytes(chunks) }));
          });
          response.on('error', fail);
          response.on('close', () => fail(new Error('the answer was cut short')));
        },
      );
      end = arm(() => request.destroy(new Error('the attempt timed out')));
      request.on('error', fail);
      request.end(bytes);
    });
  return {
    post,
    close: () => {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
