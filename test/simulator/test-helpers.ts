// Shared by the simulator's tests: a server per test file and small wire-format readers.
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { afterAll, beforeAll } from 'vitest';
import { startSimulator, type ProviderSpec, type RunningSimulator } from './server';

export const ZERO_FLEET: ProviderSpec[] = [
  { name: 'zero-openai', dialect: 'openai' },
  { name: 'zero-responses', dialect: 'openai-responses' },
  { name: 'zero-anthropic', dialect: 'anthropic' },
  { name: 'zero-gemini', dialect: 'gemini' },
];

/** Starts a simulator on an ephemeral port for the calling test file; `get()` returns it. */
export function useSimulator(providers: ProviderSpec[] = ZERO_FLEET, seed = 0): { get: () => RunningSimulator } {
  let simulator: RunningSimulator | undefined;
  beforeAll(async () => {
    simulator = await startSimulator({ port: 0, providers, seed });
  });
  afterAll(async () => {
    await simulator?.close();
  });
  return { get: () => simulator! };
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal });
}

export interface SseEvent {
  event: string | undefined;
  data: string;
}

export async function readSse(response: Response): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const stream = response.body!.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  for await (const message of stream) events.push({ event: message.event, data: message.data });
  return events;
}

/** The JSON payloads of an SSE stream, without OpenAI's final [DONE]. */
export async function readSseJson(response: Response): Promise<any[]> {
  return (await readSse(response)).filter((event) => event.data !== '[DONE]').map((event) => JSON.parse(event.data));
}
