// Micro-benchmark: µs per upstream chunk for same-dialect passthrough and each cross-dialect
// pair of the four formats. Run with `npx tsx test/bench/bench-stream.ts`. Not part of `npm test`.
import type { Protocol } from '../../worker/core/types';
import { createStreamTranslator, parseInbound } from '../../worker/protocols/index';
import { chunks } from '../support/protocol-helpers';
import type { InboundRequest, ResponseContext, SourceEvent } from '../../worker/protocols/types';

const PROTOCOLS: Protocol[] = ['openai', 'openai-responses', 'anthropic', 'gemini'];
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 2000);
const DELTAS = 200;

/** A realistic long answer: the fixture's opening, DELTAS text deltas, the fixture's close. */
function upstreamStream(protocol: Protocol): SourceEvent[] {
  const word = (index: number) => ` token${index}`;
  switch (protocol) {
    case 'openai-responses': {
      // The published stream's opening and closing events around DELTAS text deltas.
      const fixture = chunks('openai-responses', 'stream-text.chunks.txt');
      const isDelta = (event: SourceEvent) => event.event === 'response.output_text.delta';
      const first = fixture.findIndex(isDelta);
      const last = fixture.findLastIndex(isDelta);
      const itemId = 'msg_0f9c4b2f224d858000695fa063d4708197af73c2f37cb0b9d3';
      return [
        ...fixture.slice(0, first),
        ...Array.from({ length: DELTAS }, (_, index) => ({
          event: 'response.output_text.delta',
          data: `{"type":"response.output_text.delta","content_index":0,"delta":${JSON.stringify(word(index))},"item_id":"${itemId}","logprobs":[],"output_index":0,"sequence_number":${index + first}}`,
        })),
        ...fixture.slice(last + 1),
      ];
    }
    case 'openai': {
      const chunk = (delta: string, finish: string | null = null) =>
        `{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${JSON.stringify(finish)}}],"usage":null}`;
      return [
        { data: chunk('{"role":"assistant","content":""}') },
        ...Array.from({ length: DELTAS }, (_, index) => ({ data: chunk(JSON.stringify({ content: word(index) })) })),
        { data: chunk('{}', 'stop') },
        { data: '{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":200,"total_tokens":209}}' },
        { data: '[DONE]' },
      ];
    }
    case 'anthropic':
      return [
        { event: 'message_start', data: '{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":1}}}' },
        { event: 'content_block_start', data: '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}' },
        ...Array.from({ length: DELTAS }, (_, index) => ({
          event: 'content_block_delta',
          data: `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":${JSON.stringify(word(index))}}}`,
        })),
        { event: 'content_block_stop', data: '{"type":"content_block_stop","index":0}' },
        { event: 'message_delta', data: '{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":200}}' },
        { event: 'message_stop', data: '{"type":"message_stop"}' },
      ];
    case 'gemini':
      return Array.from({ length: DELTAS }, (_, index) => ({
        data: `{"candidates":[{"content":{"parts":[{"text":${JSON.stringify(word(index))}}],"role":"model"}${index === DELTAS - 1 ? ',"finishReason":"STOP"' : ''},"index":0}],"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":${index + 1},"totalTokenCount":${index + 10}},"modelVersion":"gemini-2.5-flash","responseId":"r1"}`,
      }));
  }
}

function clientRequest(protocol: Protocol): InboundRequest {
  const bodies: Record<Protocol, unknown> = {
    'openai-responses': { model: 'm', stream: true, input: 'hi' },
    openai: { model: 'm', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] },
    anthropic: { model: 'm', stream: true, max_tokens: 1000, messages: [{ role: 'user', content: 'hi' }] },
    gemini: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
  };
  const raw = JSON.stringify(bodies[protocol]);
  const parsed = parseInbound(protocol, JSON.parse(raw), raw, { operation: 'generate', path_model: 'm', path_stream: true });
  if (!parsed.ok) throw new Error('bench request did not parse');
  return parsed.value;
}

const context: ResponseContext = {
  request_id: 'req_bench',
  model: 'catalog-model',
  created_ms: 1_700_000_000_000,
  channel_id: 'bench',
  price: { input_per_mtok: 1, output_per_mtok: 2 },
};
const rows: { client: Protocol; channel: Protocol; mode: string; us_per_chunk: number; chunks: number }[] = [];
let sink = 0;

for (const client of PROTOCOLS) {
  const request = clientRequest(client);
  for (const channel of PROTOCOLS) {
    const events = upstreamStream(channel);
    const runOnce = () => {
      const translator = createStreamTranslator(request, channel, context);
      for (const event of events) sink += translator.push(event).length;
      sink += translator.end().length;
    };
    for (let warm = 0; warm < 200; warm += 1) runOnce();
    const started = performance.now();
    for (let iteration = 0; iteration < ITERATIONS; iteration += 1) runOnce();
    const elapsed = performance.now() - started;
    rows.push({
      client,
      channel,
      mode: client === channel ? 'passthrough' : 'translated',
      us_per_chunk: Number(((elapsed * 1000) / (ITERATIONS * events.length)).toFixed(3)),
      chunks: events.length,
    });
  }
}

console.table(rows);
console.log(`(${ITERATIONS} streams per pair; sink ${sink})`);
