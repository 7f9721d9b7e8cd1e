import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the publisher answers the next requests. */
export interface Publication {
  /** The document served with 200 (its ETag is derived from it). */
  body: Uint8Array | string;
  contentType?: string;
  cacheControl?: string;
  age?: number;
  /** Serve without an ETag. */
  noEtag?: boolean;
  /** Send the body chunked, without Content-Length. */
  chunked?: boolean;
  /** Answer with this status and no document. */
  status?: number;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Never answer. */
  hang?: boolean;
}

/** A key publisher on loopback: serves one document, honours If-None-Match, and counts what it was asked. */
export interface KeyPublisher {
  readonly url: string;
  publish(publication: Publication): void;
  /** Request headers, in arrival order. */
  readonly requests: IncomingHttpHeaders[];
  /** How many requests were answered 304. */
  readonly notModified: () => number;
  close(): Promise<void>;
}

function etagOf(body: Uint8Array | string): string {
  return `"${createHash('sha256').update(body).digest('base64url')}"`;
}

export async function startKeyPublisher(initial: Publication): Promise<KeyPublisher> {
  let current = initial;
  let notModified = 0;
  const requests: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.headers);
    const p = current;
    if (p.hang) return;
    const answer = () => {
      if (p.status !== undefined) {
        res.writeHead(p.status).end();
        return;
      }
      const etag = p.noEtag ? undefined : etagOf(p.body);
      const headers: Record<string, string> = { 'content-type': p.contentType ?? 'application/jwk-set+json' };
      if (etag) headers.etag = etag;
      if (p.cacheControl) headers['cache-control'] = p.cacheControl;
      if (p.age !== undefined) headers.age = String(p.age);
      if (etag && req.headers['if-none-match'] === etag) {
        notModified += 1;
        res.writeHead(304, headers).end();
        return;
      }
      const body = Buffer.from(typeof p.body === 'string' ? Buffer.from(p.body) : p.body);
      if (!p.chunked) headers['content-length'] = String(body.length);
      res.writeHead(200, headers);
      if (p.chunked) {
        // Several writes, so the client sees the body arrive in pieces.
        for (let i = 0; i < body.length; i += 1024) res.write(body.subarray(i, i + 1024));
        res.end();
      } else {
        res.end(body);
      }
    };
    if (p.delayMs) setTimeout(answer, p.delayMs);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    publish: (p) => {
      current = p;
    },
    requests,
    notModified: () => notModified,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
