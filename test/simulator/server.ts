// The upstream simulator: a fleet of fake LLM providers on one node:http server, each under
// /<name>/ with its dialect's real paths, plus the control API under /_sim. No framework:
// this is the zero-delay baseline in the benchmarks, so the hot path stays lean.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeZodError, fleetSchema, providerBehaviourSchema, type ProviderSpec } from './behaviour';
import { handleControl, type Registry } from './control-api';
import { DIALECTS, dialectOfPath } from './dialects/index';
import { handleProviderRequest, readBody } from './provider-handler';
import { ProviderState } from './provider-state';
import { sendJson } from './reply-writer';

export { providerBehaviourSchema, providerSpecSchema, fleetSchema } from './behaviour';
export type { ProviderBehaviour, ProviderBehaviourInput, ProviderSpec, Fleet } from './behaviour';
export type { ProviderCounters, RecordedRequest } from './provider-state';

export interface SimulatorOptions {
  /** 0 for an ephemeral port; default 8790. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  providers?: ProviderSpec[];
  /** Seeds every reply and every random behaviour; default 0. */
  seed?: number;
}

export interface RunningSimulator {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_SIMULATOR_PORT = 8790;

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const fleet = fleetSchema.safeParse({ providers: options.providers ?? [] });
  if (!fleet.success) throw new Error(`Invalid simulator fleet: ${describeZodError(fleet.error)}`);
  const registry: Registry = { providers: new Map(), seed: options.seed ?? 0 };
  for (const { name, ...behaviour } of fleet.data.providers) {
    registry.providers.set(name, new ProviderState(name, providerBehaviourSchema.parse(behaviour), registry.seed));
  }

  const server = createServer({ keepAlive: true, noDelay: true, requestTimeout: 0 }, (request, response) => {
    route(registry, request, response).catch(() => {
      if (!response.headersSent && !response.destroyed) sendJson(response, { kind: 'json', status: 500, outputTokens: 0, body: { error: { message: 'simulator error' } } });
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 600_000;
  server.headersTimeout = 0;
  server.on('connection', (socket) => socket.setNoDelay(true));

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // A deep accept queue: at 1,000 new connections a second Node's default (511) overflows
    // whenever the event loop stalls, and the kernel's SYN retries add 1–7 s to a benchmark.
    server.listen({ port: options.port ?? DEFAULT_SIMULATOR_PORT, host, backlog: 4096 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function route(registry: Registry, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = request.url ?? '/';
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  const search = queryAt < 0 ? '' : url.slice(queryAt + 1);
  const slash = path.indexOf('/', 1);
  const name = decodeURIComponent(slash < 0 ? path.slice(1) : path.slice(1, slash));
  const rest = slash < 0 ? '/' : path.slice(slash);

  if (name === '_sim') {
    const result = handleControl(registry, request.method ?? 'GET', path, search, await readBody(request));
    return sendJson(response, { kind: 'json', status: result.status, outputTokens: 0, body: result.body });
  }
  const state = registry.providers.get(name);
  if (!state) {
    await readBody(request);
    const dialect = DIALECTS[dialectOfPath(rest)];
    return sendJson(response, dialect.error(404, `No simulated provider named "${name}" (${request.method} ${path}).`));
  }
  return handleProviderRequest(request, response, state, rest, search);
}
