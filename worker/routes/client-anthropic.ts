// Anthropic's Messages routes. Besides the body, the route keeps what an Anthropic channel
// needs to serve the request as the client meant it: the `anthropic-version` and
// `anthropic-beta` headers, and the `?beta=true` query Anthropic's SDK sends for beta calls.
import type { Context } from 'hono';
import type { AppEnv } from '../env';
import type { RouteContext } from '../protocols/types';
import { handleGenerate } from '../pipeline/generate';

const FORWARDED_HEADERS = ['anthropic-version', 'anthropic-beta'] as const;
/** Query parameters that carry credentials: never forwarded. */
const CREDENTIAL_PARAMETERS = ['key', 'api_key', 'token'];

export function anthropicRoute(c: Context<AppEnv>, operation: RouteContext['operation']): RouteContext {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = c.req.header(name);
    if (value !== undefined) headers[name] = value;
  }
  return { operation, headers, query: betaQuery(new URL(c.req.url).searchParams) };
}

/** The client's query string when it asks for the beta API (`beta=true`), credentials removed; else ''. */
export function betaQuery(parameters: URLSearchParams): string {
  if (parameters.get('beta') !== 'true') return '';
  const kept = new URLSearchParams(parameters);
  for (const name of CREDENTIAL_PARAMETERS) kept.delete(name);
  return kept.toString();
}

export function anthropicMessages(c: Context<AppEnv>): Promise<Response> {
  return handleGenerate(c, 'anthropic', anthropicRoute(c, 'generate'));
}

export function anthropicCountTokens(c: Context<AppEnv>): Promise<Response> {
  return handleGenerate(c, 'anthropic', anthropicRoute(c, 'count_tokens'));
}
