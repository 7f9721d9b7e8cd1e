import { isSafetyNetError } from '@safety-net/core';
import { mediaTypeOf, readBody } from '@safety-net/core/internal';
import { type PullEndpointOptions, pullEndpoint } from '../delivery/pull-endpoint.js';
import { MAX_SIGNAL_BYTES } from '../guard/guard.js';
import type { OverrideController } from './controller.js';

/** Options of {@link controlPlaneHandler}. */
export interface ControlPlaneHandlerOptions {
  /** The path the control plane's routes hang under (`C`). Default: the origin's root. */
  readonly path?: string;
  /**
   * Serves pull delivery beside the acknowledgements (`GET C/agents/{agent}/events`, spec §7.2, §7.3) from the
   * controller's outbox; `authorize` says whether a request is authenticated as the agent it pulls for. Without
   * it, those paths are `404`.
   */
  readonly pull?: Omit<PullEndpointOptions, 'outbox' | 'base'>;
}

type Route = (request: Request) => Promise<Response>;

/**
 * The control plane's HTTP interface `C` (spec §7) as a Web-standard `Request → Response` handler:
 * `POST C/acks` takes a signed Acknowledgement (`application/cose`) and answers `204`, also for a replay;
 * `POST C/records` takes a BET, Hand-off, Rollback Request or Rollback Complete (`controller.submit`) likewise;
 * `POST C/heartbeats` takes a Heartbeat and answers `200` with the Lease that renews it (`controller.heartbeat`); bad
 * input is `400` with `{"code"}`, a body over 64 KiB `413`, another content type `415`, other paths `404`. With the
 * `pull` option it also serves the agents' event streams and long-polls from the controller's outbox.
 *
 * @example
 * ```ts
 * serve({ fetch: controlPlaneHandler(controller) });
 * ```
 */
export function controlPlaneHandler(
  controller: OverrideController,
  options: ControlPlaneHandlerOptions = {},
): (request: Request) => Promise<Response> {
  const base = (options.path ?? '').replace(/\/$/, '');
  const pull = options.pull && pullEndpoint({ ...options.pull, outbox: controller.outbox, base });
  const routes: Record<string, Route> = {
    acks: async (request) => {
      if (mediaTypeOf(request) !== 'application/cose') return new Response(null, { status: 415 });
      await controller.acknowledge(await readBody(request, { max: MAX_SIGNAL_BYTES }));
      return new Response(null, { status: 204 });
    },
    heartbeats: async (request) => {
      if (mediaTypeOf(request) !== 'application/cose') return new Response(null, { status: 415 });
      const { lease } = await controller.heartbeat(await readBody(request, { max: MAX_SIGNAL_BYTES }));
      return new Response(lease, { status: 200, headers: { 'content-type': 'application/cose' } });
    },
    records: async (request) => {
      if (mediaTypeOf(request) !== 'application/cose') return new Response(null, { status: 415 });
      await controller.submit(await readBody(request, { max: MAX_SIGNAL_BYTES }));
      return new Response(null, { status: 204 });
    },
  };
  return async (request) => {
    const path = new URL(request.url).pathname;
    if (pull !== undefined && path.startsWith(`${base}/agents/`)) return pull(request);
    const route = path.startsWith(`${base}/`) ? routes[path.slice(base.length + 1)] : undefined;
    if (route === undefined) return new Response(null, { status: 404 });
    if (request.method !== 'POST') return new Response(null, { status: 405, headers: { allow: 'POST' } });
    try {
      return await route(request);
    } catch (e) {
      if (!isSafetyNetError(e)) throw e;
      const status = e.code === 'ERR_INPUT_TOO_LARGE' ? 413 : e.code === 'ERR_OV_STORE_FAILED' ? 503 : 400;
      return Response.json({ code: e.code }, { status });
    }
  };
}
