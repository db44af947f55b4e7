// Small helpers for end-to-end tests against the real local stack.
import { inject } from 'vitest';
import OpenAI from 'openai';

export const MAIN_KEY = 'sk-e2e-main-0001';
export const LIMITED_KEY = 'sk-e2e-limited-0001';
export const VIP_KEY = 'sk-e2e-vip-0001';
export const BROKE_KEY = 'sk-e2e-broke-0001';

export function stack() {
  return inject('stack');
}

export function openai(key = MAIN_KEY): OpenAI {
  return new OpenAI({ apiKey: key, baseURL: `${stack().workerUrl}/v1`, maxRetries: 0 });
}

/** POST JSON (or raw text) to the worker and return status, headers and parsed body. */
export async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack().workerUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Streams and non-JSON answers keep json null.
  }
  return { status: response.status, headers: response.headers, text, json };
}

export async function simulator(path: string, method = 'GET', body?: unknown) {
  const response = await fetch(`${stack().simUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`simulator ${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<any>;
}

export const patchProvider = (name: string, patch: Record<string, unknown>) => simulator(`/_sim/providers/${name}`, 'PATCH', patch);

/** Requests a simulated provider received, newest last. */
export async function receivedBy(name: string, limit = 20): Promise<Array<{ method: string; path: string; headers: Record<string, string>; body: string }>> {
  const result = await simulator(`/_sim/providers/${name}/requests?limit=${limit}`);
  return Array.isArray(result) ? result : result.requests;
}

export async function providerCounters(name: string): Promise<{ requests: number; errors: number; in_flight: number }> {
  const all = await simulator('/_sim/providers');
  const list: any[] = Array.isArray(all) ? all : all.providers;
  const provider = list.find((entry) => entry.name === name);
  return provider.counters ?? provider;
}

export async function analytics(path: string) {
  const response = await fetch(`${stack().analyticsUrl}${path}`);
  return { status: response.status, json: (await response.json()) as any };
}

export async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 10_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}

export async function flushLogs(): Promise<void> {
  const { workerUrl, internalSecret } = stack();
  await fetch(`${workerUrl}/internal/flush`, { method: 'POST', headers: { authorization: `Bearer ${internalSecret}` } });
}
