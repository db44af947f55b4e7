// Shared by the routes-*.test.ts files: a small catalog applied through the admin API, and a
// watch on outbound fetches so a test can prove a refused request reached no upstream.
import { SELF } from 'cloudflare:test';
import { vi } from 'vitest';

export const KEY = 'sk-routes-test-key-1';
export const ADMIN = { authorization: 'Bearer test-admin-key', 'content-type': 'application/json' };
/** Channels point at a closed port under this origin: any call there is an upstream call. */
export const UPSTREAM_ORIGIN = 'http://127.0.0.1:9';

export const config = {
  models: [
    { id: 'm1', aliases: ['vendor/m1'], price: { input_per_mtok: 1, output_per_mtok: 2 }, context_length: 32000, capabilities: ['tools'] },
    { id: 'emb', price: { input_per_mtok: 0.1, output_per_mtok: 0 }, capabilities: ['embeddings'] },
    { id: 'm2', price: { input_per_mtok: 1, output_per_mtok: 2 } },
  ],
  channels: [
    {
      id: 'c1',
      type: 'openai',
      base_url: `${UPSTREAM_ORIGIN}/c1`,
      api_key: 'sk-upstream-secret-value',
      models: [
        { model: 'm1', cost: { input_per_mtok: 0.5, output_per_mtok: 1 } },
        { model: 'emb', cost: { input_per_mtok: 0.05, output_per_mtok: 0 } },
      ],
    },
    ...['c2a', 'c2b'].map((id) => ({
      id,
      type: 'openai',
      base_url: `${UPSTREAM_ORIGIN}/${id}`,
      api_key: 'sk-upstream-secret-value',
      models: [{ model: 'm2', cost: { input_per_mtok: 0.5, output_per_mtok: 1 } }],
    })),
  ],
  users: [{ id: 'u1', balance_usd: 5 }],
  keys: [{ user: 'u1', name: 'k1', key: KEY }],
};

export async function applyConfig(): Promise<void> {
  const response = await SELF.fetch('http://worker/admin/config', { method: 'POST', headers: ADMIN, body: JSON.stringify(config) });
  if (response.status !== 200) throw new Error(`config apply failed: ${response.status} ${await response.text()}`);
}

/** Spies on fetch; `calls()` lists the upstream URLs fetched since the watch began. */
export function watchUpstream(answer?: (url: string) => Response | Promise<Response>) {
  const real = globalThis.fetch;
  const spy = vi.spyOn(globalThis, 'fetch');
  if (answer) {
    spy.mockImplementation((input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      return url.startsWith(UPSTREAM_ORIGIN) ? Promise.resolve(answer(url)) : real(input, init);
    });
  }
  return {
    calls: () => spy.mock.calls.map(([input]) => String(input instanceof Request ? input.url : input)).filter((url) => url.startsWith(UPSTREAM_ORIGIN)),
    restore: () => spy.mockRestore(),
  };
}

export async function call(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const response = await SELF.fetch(`http://worker${path}`, { method, headers, body });
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: json stays null and the assertion on it says so.
  }
  return { status: response.status, headers: response.headers, json, text };
}

/** The caller's error shape (contract.md, Errors), or a description of what is wrong. */
export function shapeProblem(protocol: 'openai' | 'anthropic' | 'gemini', status: number, json: any): string | null {
  if (protocol === 'openai') {
    const error = json?.error;
    if (typeof error?.message !== 'string') return 'error.message is not a string';
    for (const field of ['type', 'param', 'code']) if (!(field in error)) return `error.${field} is missing`;
    return null;
  }
  if (protocol === 'anthropic') {
    if (json?.type !== 'error' || typeof json.error?.type !== 'string' || typeof json.error?.message !== 'string') return 'not an Anthropic error';
    return null;
  }
  if (json?.error?.code !== status || typeof json.error.status !== 'string' || typeof json.error.message !== 'string') return 'not a Gemini error';
  return null;
}
