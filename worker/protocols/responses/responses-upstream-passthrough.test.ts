import { context } from '../../../test/support/protocol-helpers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { usageOf } from '../../core/metering';
import type { ResponsesInbound } from '../inbound';
import type { SourceEvent, UpstreamTarget } from '../types';
import { createResponsesPassthroughStream, passthroughResponsesRequest, passthroughResponsesResponse } from './passthrough';
import { parseResponsesInbound } from './request';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

/** `*.chunks.txt` lines back as SSE events, and as the exact frames the upstream sent. */
function chunks(name: string): SourceEvent[] {
  return fixture(name)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => ({ event: line.slice(0, line.indexOf('\t')), data: line.slice(line.indexOf('\t') + 1) }));
}
const wire = (events: SourceEvent[]): string => events.map((event) => `event: ${event.event}\ndata: ${event.data}\n\n`).join('');

const target: UpstreamTarget = { dialect: 'openai-responses', base_url: 'https://upstream.test/', upstream_model: 'gpt-5-2025-08-07', api_key: 'sk-secret-key-123' };

/** The client's request as the route parses it (the stream flag comes from the body). */
function inbound(raw: string): ResponsesInbound {
  const parsed = parseResponsesInbound(JSON.parse(raw), raw, { operation: 'generate' });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return parsed.value;
}

describe('passthroughResponsesRequest', () => {
  it('changes only the model value and keeps every other byte', () => {
    const raw =
      '{ "model" : "gpt-5",\n  "input":[{"type":"reasoning","id":"rs_1","summary":[],"encrypted_content":"gAAAA\\u002b=="},{"role":"user","content":"caf\\u00e9 \\"model\\": \\"x\\""}],' +
      '"tools":[{"type":"web_search_preview"},{"type":"function","name":"f","parameters":{"type":"object"},"strict":true}],' +
      '"include":["reasoning.encrypted_content"],"store":false,"metadata":{"model":"keep"},"reasoning":{"effort":"high","summary":"auto"},"temperature":1.0,"stream":true }';
    const built = passthroughResponsesRequest(inbound(raw), target);
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    expect(built.value.body).toBe(raw.replace('"model" : "gpt-5"', '"model" : "gpt-5-2025-08-07"'));
    expect(built.value.url).toBe('https://upstream.test/v1/responses');
    expect(built.value.headers).toEqual({ authorization: 'Bearer sk-secret-key-123', 'content-type': 'application/json' });
  });

  it('removes the gateway routing controls and nothing else', () => {
    const raw = '{"route":{"mode":"economy"},"model":"m","provider":{"order":["a"]},"input":"hi","models":["x"],"foo":1}';
    const built = passthroughResponsesRequest(inbound(raw), target);
    expect(built.ok && built.value.body).toBe('{"model":"gpt-5-2025-08-07","input":"hi","foo":1}');
  });
});

describe('passthroughResponsesResponse', () => {
  it('sets the catalog model, adds provider, reads usage and finish, keeps the rest', () => {
    const text = fixture('response-reasoning.json');
    const passed = passthroughResponsesResponse(inbound('{"model":"gpt-5","input":"hi"}'), text, context);
    expect(passed.ok).toBe(true);
    if (!passed.ok) return;
    const edited = text.replace('"model": "gpt-5-2025-08-07"', '"model": "catalog-model"');
    // The provider member goes right after the last member's value; every other byte stays.
    expect(passed.value.body).toBe(edited.replace('"metadata": {}', '"metadata": {},"provider":"acme-east"'));
    expect(passed.value.usage).toEqual(usageOf({ input_tokens: 31, output_tokens: 214, reasoning_tokens: 192 }));
    expect(passed.value.finish_reason).toBe('stop');
  });

  it('reports tool calls and truncation as finish reasons', () => {
    const request = inbound('{"model":"gpt-5","input":"hi"}');
    const calls = passthroughResponsesResponse(request, fixture('response-function-call.json'), context);
    const cut = passthroughResponsesResponse(request, fixture('response-incomplete.json'), context);
    expect(calls.ok && calls.value.finish_reason).toBe('tool_calls');
    expect(cut.ok && cut.value.finish_reason).toBe('length');
  });

  it('treats a failed response as the upstream error, and an unreadable one as malformed', () => {
    const request = inbound('{"model":"gpt-5","input":"hi"}');
    const failed = passthroughResponsesResponse(request, fixture('response-failed.json'), context);
    expect(failed.ok).toBe(false);
    if (!failed.ok) expect(failed.error).toMatchObject({ kind: 'upstream', message: expect.stringContaining('failed to generate') });
    const broken = passthroughResponsesResponse(request, '<html>', context);
    expect(!broken.ok && broken.error).toMatchObject({ kind: 'upstream', status: 502 });
  });
});

describe('createResponsesPassthroughStream', () => {
  it.each(['stream-text.chunks.txt', 'stream-function-call.chunks.txt', 'stream-reasoning.chunks.txt'])(
    're-emits the frames of %s unchanged and observes the stream',
    (name) => {
      const events = chunks(name);
      const stream = createResponsesPassthroughStream(inbound('{"model":"gpt-5","input":"hi","stream":true}'), context);
      const frames: string[] = [];
      for (const event of events) frames.push(...stream.push(event));
      frames.push(...stream.end());
      expect(frames.join('')).toBe(wire(events));
      expect(stream.observation.completed).toBe(true);
      expect(stream.observation.first_token).toBe(true);
      expect(stream.observation.usage).not.toBeNull();
      expect(stream.observation.output_characters).toBeGreaterThan(0);
    },
  );

  it('passes the upstream failure through and records it', () => {
    const events = chunks('stream-failed.chunks.txt');
    const stream = createResponsesPassthroughStream(inbound('{"model":"gpt-5","input":"hi","stream":true}'), context);
    const frames = events.flatMap((event) => stream.push(event));
    expect(frames.join('')).toBe(wire(events));
    expect(stream.observation.completed).toBe(false);
    expect(stream.observation.upstream_error).toMatchObject({ kind: 'upstream' });
  });

  it('keeps frames without an event name as data-only frames', () => {
    const stream = createResponsesPassthroughStream(inbound('{"model":"gpt-5","input":"hi","stream":true}'), context);
    const data = '{"type":"response.created","response":{"id":"resp_9","status":"in_progress"},"sequence_number":0}';
    expect(stream.push({ data })).toEqual([`data: ${data}\n\n`]);
  });

  it('ends a broken stream with a response.failed event continuing the upstream sequence', () => {
    const stream = createResponsesPassthroughStream(inbound('{"model":"gpt-5","input":"hi","stream":true}'), context);
    for (const event of chunks('stream-text.chunks.txt').slice(0, 6)) stream.push(event);
    const frames = stream.fail({ kind: 'upstream', status: 504, error_class: 'timeout', message: 'The upstream stopped sending events.' });
    expect(frames).toHaveLength(1);
    const [head, body] = (frames[0] ?? '').split('\n');
    expect(head).toBe('event: response.failed');
    expect(JSON.parse((body ?? '').slice('data: '.length))).toEqual({
      type: 'response.failed',
      response: {
        id: 'resp_0f9c4b2f224d858000695fa062bf048197a680f357bbb09000',
        object: 'response',
        created_at: 1767874658,
        status: 'failed',
        error: { code: 'timeout', message: 'The upstream stopped sending events.' },
        incomplete_details: null,
        model: 'catalog-model',
        output: [],
        usage: null,
      },
      sequence_number: 6,
    });
    expect(stream.fail({ kind: 'internal', message: 'again' })).toEqual([]);
  });

  it('ends the stream with response.failed when an event cannot be read', () => {
    const stream = createResponsesPassthroughStream(inbound('{"model":"gpt-5","input":"hi","stream":true}'), context);
    const frames = stream.push({ event: 'response.created', data: '{oops' });
    expect(frames[0]).toMatch(/^event: response\.failed\ndata: \{"type":"response\.failed"/);
    expect(stream.observation.upstream_error).toMatchObject({ kind: 'upstream', status: 502 });
  });
});
