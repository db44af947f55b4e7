// Client load for the soak cases: one request in any of the three protocols, judged the way a
// client would (a 200 and, for a stream, a clean finish with no error event), and a load loop
// bounded in time and in count.
import { SOAK_KEY } from './soak-stack';

export type Client = 'openai' | 'anthropic' | 'gemini';
export const CLIENTS: Client[] = ['openai', 'anthropic', 'gemini'];

export interface Outcome {
  ok: boolean;
  status: number;
  /** x-switchboard-attempts (0 when the request never got an answer). */
  attempts: number;
  detail: string;
}

const headers = { authorization: `Bearer ${SOAK_KEY}`, 'content-type': 'application/json' };

function requestOf(client: Client, model: string, stream: boolean, prompt: string): { path: string; body: string } {
  if (client === 'openai') {
    return { path: '/v1/chat/completions', body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: prompt }] }) };
  }
  if (client === 'anthropic') {
    return { path: '/v1/messages', body: JSON.stringify({ model, stream, max_tokens: 64, messages: [{ role: 'user', content: prompt }] }) };
  }
  const method = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
  return { path: `/v1beta/models/${model}:${method}`, body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: prompt }] }] }) };
}

/** Did this stream end the way the protocol ends a successful one, without an error event? */
export function cleanStreamEnd(client: Client, text: string): boolean {
  if (client === 'openai') return text.includes('data: [DONE]') && !/data: \{"error"/.test(text);
  if (client === 'anthropic') return text.includes('event: message_stop') && !text.includes('event: error');
  return text.includes('"finishReason"') && !/"error"\s*:/.test(text);
}

export async function send(workerUrl: string, client: Client, model: string, stream: boolean, prompt: string): Promise<Outcome> {
  const { path, body } = requestOf(client, model, stream, prompt);
  try {
    const response = await fetch(`${workerUrl}${path}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(30_000) });
    const text = await response.text();
    const attempts = Number(response.headers.get('x-switchboard-attempts') ?? 0);
    const ok = response.status === 200 && (!stream || cleanStreamEnd(client, text));
    return { ok, status: response.status, attempts, detail: ok ? '' : `${client} ${stream ? 'stream' : 'whole'} ${response.status}: ${text.slice(-300)}` };
  } catch (error) {
    return { ok: false, status: 0, attempts: 0, detail: `${client} ${stream ? 'stream' : 'whole'}: ${String(error)}` };
  }
}

export interface LoadTotals {
  requests: number;
  attempts: number;
  failures: number;
  /** The first few failures, for the report. */
  samples: string[];
  byClient: Record<Client, number>;
}

export function emptyTotals(): LoadTotals {
  return { requests: 0, attempts: 0, failures: 0, samples: [], byClient: { openai: 0, anthropic: 0, gemini: 0 } };
}

export interface LoadOptions {
  workerUrl: string;
  model: string;
  concurrency: number;
  durationMs: number;
  /** Hard cap on requests, whatever the time. */
  maxRequests: number;
  /** Share of requests that stream (0–1). */
  streamShare: number;
  random: () => number;
}

/** Runs `concurrency` clients in a loop until the time or the count runs out; adds into `totals`. */
export async function runLoad(options: LoadOptions, totals: LoadTotals): Promise<void> {
  const deadline = Date.now() + options.durationMs;
  let issued = 0;
  const clientLoop = async () => {
    while (Date.now() < deadline && issued < options.maxRequests) {
      issued += 1;
      const client = CLIENTS[Math.floor(options.random() * CLIENTS.length)]!;
      const stream = options.random() < options.streamShare;
      const outcome = await send(options.workerUrl, client, options.model, stream, `soak ${totals.requests % 97}`);
      totals.requests += 1;
      totals.byClient[client] += 1;
      totals.attempts += outcome.attempts;
      if (!outcome.ok) {
        totals.failures += 1;
        if (totals.samples.length < 10) totals.samples.push(outcome.detail);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, clientLoop));
}

/** A small seeded generator (mulberry32), so a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

export async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return true;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return false;
}
