// Helpers for the protocol tests (worker/protocols/**/*.test.ts, the fuzzers, the stream
// benchmark): fixtures, contexts, parsing a request, running a translator over chunks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Protocol } from '../../worker/core/types';
import type { CanonicalStreamEvent } from '../../worker/protocols/canonical';
import { adapters } from '../../worker/protocols/registry';
import type { InboundRequests, ResponseContext, RouteContext, SourceEvent, StreamTranslator, UpstreamTarget } from '../../worker/protocols/types';

/** worker/protocols: each module keeps its fixtures in its own `fixtures/` folder. */
const root = join(import.meta.dirname, '..', '..', 'worker', 'protocols');

/** The module folder of each protocol (the Responses API lives in responses/). */
const FOLDERS: Record<Protocol, string> = { openai: 'openai', 'openai-responses': 'responses', anthropic: 'anthropic', gemini: 'gemini' };

export function fixture(protocol: Protocol, name: string): string {
  return readFileSync(join(root, FOLDERS[protocol], 'fixtures', name), 'utf8');
}

/** `*.chunks.txt`: one SSE data line per line; Anthropic lines are `event<TAB>data`. */
export function chunks(protocol: Protocol, name: string): SourceEvent[] {
  return fixture(protocol, name)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const tab = line.indexOf('\t');
      return tab > 0 ? { event: line.slice(0, tab), data: line.slice(tab + 1) } : { data: line };
    });
}

export const context: ResponseContext = {
  request_id: 'req_test_1',
  model: 'catalog-model',
  created_ms: 1_700_000_000_000,
  channel_id: 'acme-east',
  price: { input_per_mtok: 1, output_per_mtok: 2 },
};

export function target(dialect: Protocol, upstream_model = 'upstream-model'): UpstreamTarget {
  return { dialect, base_url: 'https://upstream.test/', upstream_model, api_key: 'sk-secret-key-123' };
}

/** A client request of `protocol`, parsed as the route would (typed as that protocol's request). */
export function inbound<P extends Protocol>(protocol: P, body: unknown, route: Partial<RouteContext> = {}): InboundRequests[P] {
  return inboundRaw(protocol, JSON.stringify(body), route);
}

export function inboundRaw<P extends Protocol>(protocol: P, raw: string, route: Partial<RouteContext> = {}): InboundRequests[P] {
  const parser = adapters[protocol];
  const parsed = parser.parseInbound(JSON.parse(raw), raw, { operation: 'generate', ...route });
  if (!parsed.ok) throw new Error(`parse failed: ${JSON.stringify(parsed.error)}`);
  return parsed.value;
}

export function run(translator: StreamTranslator, events: SourceEvent[]): string[] {
  const frames: string[] = [];
  for (const event of events) frames.push(...translator.push(event));
  frames.push(...translator.end());
  return frames;
}

/** Frames → the SourceEvents an SSE parser would yield for them. */
export function framesToEvents(frames: string[]): SourceEvent[] {
  return frames.join('').split('\n\n').filter((block) => block.trim() !== '').map((block) => {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    return event === undefined ? { data: data.join('\n') } : { event, data: data.join('\n') };
  });
}

/** Frames → `{event, data}` with data parsed when it is JSON. */
export function parseFrames(frames: string[]): { event?: string; data: unknown }[] {
  return framesToEvents(frames).map(({ event, data }) => {
    let parsed: unknown = data;
    try {
      parsed = JSON.parse(data);
    } catch {
      parsed = data;
    }
    return event === undefined ? { data: parsed } : { event, data: parsed };
  });
}

export interface StreamSummary {
  text: string;
  reasoning: string;
  tools: { id: string; name: string; arguments: string }[];
  finish: string | null;
  usage: unknown;
  error: unknown;
}

/** Reads a client-format stream back through that format's own decoder. */
export function summarise(events: CanonicalStreamEvent[]): StreamSummary {
  const summary: StreamSummary = { text: '', reasoning: '', tools: [], finish: null, usage: null, error: null };
  for (const event of events) {
    if (event.type === 'text-delta') summary.text += event.text;
    else if (event.type === 'reasoning-delta') summary.reasoning += event.text;
    else if (event.type === 'tool-call-start') summary.tools[event.index] = { id: event.id, name: event.name, arguments: '' };
    else if (event.type === 'tool-call-delta') {
      const tool = summary.tools[event.index];
      if (tool) tool.arguments += event.arguments;
    } else if (event.type === 'finish') summary.finish = event.finish_reason;
    else if (event.type === 'usage') summary.usage = event.usage;
    else if (event.type === 'error') summary.error = event.error;
  }
  return summary;
}

export function readBack(protocol: Protocol, frames: string[]): StreamSummary {
  const decoder = adapters[protocol].createStreamDecoder();
  const events: CanonicalStreamEvent[] = [];
  for (const event of framesToEvents(frames)) events.push(...decoder.push(event));
  events.push(...decoder.end());
  return summarise(events);
}
