// The upstream simulator inside the Workers pool. The simulator's server is node:http, which a
// Workers-pool test cannot start; its providers are pure (test/simulator/dialects: routing,
// replies and error bodies per dialect; ProviderState: seeded randomness, recorded requests),
// so this adapter serves them over `fetch` instead of a socket: the worker under test sends
// its real upstream requests to SIMULATOR_ORIGIN/<provider>/… and gets the simulator's own
// answers, with its TTFT delay, injected errors and `down` (a network error). Streams are not
// served here (the channel test is non-streaming). Everything else goes to `other`.
import { vi } from 'vitest';
import { providerBehaviourSchema, type ProviderSpec } from '../simulator/behaviour';
import { DIALECTS } from '../simulator/dialects/index';
import { ProviderState, type RecordedRequest } from '../simulator/provider-state';
import type { DialectContext } from '../simulator/dialects/types';

export const SIMULATOR_ORIGIN = 'http://simulator.test';

export interface SimulatorFetch {
  /** Requests a provider received, oldest first. */
  received(provider: string): RecordedRequest[];
  restore(): void;
}

export function serveSimulator(providers: ProviderSpec[], other: (request: Request) => Promise<Response>): SimulatorFetch {
  const states = new Map<string, ProviderState>();
  for (const { name, ...behaviour } of providers) states.set(name, new ProviderState(name, providerBehaviourSchema.parse(behaviour), 0));
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (!request.url.startsWith(SIMULATOR_ORIGIN)) return other(request);
    return answer(states, request);
  });
  return {
    received: (provider) => states.get(provider)?.recentRequests() ?? [],
    restore: () => spy.mockRestore(),
  };
}

async function answer(states: Map<string, ProviderState>, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const [, name = '', ...rest] = url.pathname.split('/');
  const path = `/${rest.join('/')}`;
  const state = states.get(name);
  if (!state) return new Response('no such simulated provider', { status: 404 });
  const { behaviour } = state;
  state.counters.requests += 1;
  // Read first: a promise rejected before its caller has attached a handler is reported by
  // workerd as an uncaught rejection, even though the worker then handles it.
  const bodyText = await request.text();
  // As the real simulator: a reset connection, no status at all.
  if (behaviour.down) throw new TypeError('Network connection lost.');
  const dialect = DIALECTS[behaviour.dialect];
  state.record({ received_at: Date.now(), method: request.method, path, query: Object.fromEntries(url.searchParams), headers: Object.fromEntries(request.headers), body: bodyText });
  const route = dialect.route(request.method, path, url.searchParams);
  const reply =
    route === undefined
      ? dialect.notFound(request.method, path)
      : behaviour.error_rate > 0 && state.random() < behaviour.error_rate
        ? dialect.error(behaviour.error_status, `Simulated upstream error (${behaviour.error_status}) from ${name}.`)
        : dialect.handle(route, JSON.parse(bodyText), contextOf(state));
  if (reply.kind !== 'json') throw new Error('channel-test-simulator serves no streams');
  if (reply.status < 400 && behaviour.ttft_ms > 0) await new Promise((resolve) => setTimeout(resolve, behaviour.ttft_ms));
  return new Response(JSON.stringify(reply.body), { status: reply.status, headers: { 'content-type': 'application/json', ...reply.headers } });
}

function contextOf(state: ProviderState): DialectContext {
  return { behaviour: state.behaviour, seed: state.seed, random: state.random, seenPrefix: (text) => state.seenPrompt(text) };
}
