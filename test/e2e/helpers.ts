// Small helpers for end-to-end tests against the real local stack.
import { expect, inject } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';

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

/** A call to the worker's admin API with the stack's admin key: status, text and parsed JSON. */
export async function admin(method: string, route: string, body?: unknown) {
  const { workerUrl, adminKey } = stack();
  const response = await fetch(`${workerUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, json: text ? (JSON.parse(text) as any) : null };
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

/** GET from the analytics node with an admin credential (the bootstrap key unless `key` is given). */
export async function analytics(path: string, key = stack().adminKey) {
  const response = await fetch(`${stack().analyticsUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });
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

// ---- Conformance: one catalog model per channel dialect, and the SDK clients pointed at the worker.

/** One catalog model per channel dialect (test/e2e/config.json); `channel` matches x-switchboard-channel. */
export const DIALECT_CHANNELS = [
  { dialect: 'openai', model: 'gpt-test', channel: /^ch-(a|b)$/ },
  { dialect: 'openai-responses', model: 'm-responses', channel: /^ch-responses$/ },
  { dialect: 'anthropic', model: 'm-anthropic', channel: /^ch-anthropic$/ },
  { dialect: 'gemini', model: 'm-gemini', channel: /^ch-gemini$/ },
] as const;

export type DialectChannel = (typeof DIALECT_CHANNELS)[number];

export function anthropicClient(key = MAIN_KEY): Anthropic {
  return new Anthropic({ apiKey: key, baseURL: stack().workerUrl, maxRetries: 0 });
}

/** The Gemini SDK with its default API version (v1 in @google/genai 3.x): only the base URL is ours. */
export function geminiClient(key = MAIN_KEY): GoogleGenAI {
  return new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: stack().workerUrl } });
}

export const WEATHER_SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
  required: ['city', 'unit'],
} as const;

/** What every tool round trip hands back; the simulator quotes the start of a tool result. */
export const TOOL_RESULT_TEXT = 'sunny 21C in Paris';

/** The simulator's answer to a tool result: `Tool result received: <first 60 characters of the result>`. */
export function expectToolResultReply(text: string): void {
  expect(text).toMatch(/^Tool result received:/);
  expect(text).toContain(TOOL_RESULT_TEXT);
}

/** The simulated provider behind an e2e channel: ch-a is served by e2e-a, ch-responses by e2e-responses. */
export function providerOfChannel(channelId: string): string {
  return channelId.replace(/^ch-/, 'e2e-');
}

/** True when the channel's provider received, among its newest requests, a body containing `needle`. */
export async function upstreamReceived(channelId: string, needle: string, limit = 10): Promise<boolean> {
  const requests = await receivedBy(providerOfChannel(channelId), limit);
  return requests.some((request) => request.body.includes(needle));
}
