// The JS share of a streamed frame, in Node: held-stream frames (held-frames.ts) through the
// stream path's own code — sse-reader (decode + eventsource-parser), the dialect translator,
// the UTF-8 encode — one frame per upstream chunk, as held streams arrive. CPU µs per frame
// per dialect pair, to split what workerd spends per frame between our JS and its streams.
// `npx tsx test/bench/load/translator-bench.ts [--frames=20000]`
import { readSourceEvents } from '../../../worker/protocols/shared/sse-reader';
import { createStreamTranslator } from '../../../worker/protocols/index';
import type { Protocol } from '../../../worker/core/types';
import { context, inbound } from '../../support/protocol-helpers';
import { contentFrame } from './held-frames';

const frames = Number(process.argv.find((a) => a.startsWith('--frames='))?.split('=')[1] ?? 20_000);
const bytes = new TextEncoder();
const encoder = new TextEncoder();
const chunks = Array.from({ length: frames }, (_, sequence) => bytes.encode(contentFrame(sequence, 7)));

function upstream(): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream({
    pull(controller) {
      if (next < chunks.length) controller.enqueue(chunks[next++]!);
      else controller.close();
    },
  });
}

async function run(client: Protocol): Promise<number> {
  const request = inbound(client, clientBody(client), { stream: true } as never);
  const translator = createStreamTranslator(request, 'openai', context);
  const reader = readSourceEvents(upstream());
  let written = 0;
  const before = process.cpuUsage();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const out = translator.push(value);
    if (out.length > 0) written += encoder.encode(out.length === 1 ? out[0]! : out.join('')).length;
  }
  const cpu = process.cpuUsage(before);
  if (written === 0) throw new Error(`${client}: nothing written`);
  return (cpu.user + cpu.system) / frames;
}

function clientBody(client: Protocol): unknown {
  const messages = [{ role: 'user', content: 'hi' }];
  if (client === 'anthropic') return { model: 'm', max_tokens: 100, stream: true, messages };
  if (client === 'openai-responses') return { model: 'm', stream: true, input: 'hi' };
  if (client === 'gemini') return { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };
  return { model: 'm', stream: true, messages };
}

const results: Record<string, number[]> = {};
for (let round = 0; round < 5; round++) {
  for (const client of ['openai', 'anthropic', 'openai-responses'] as Protocol[]) {
    const microseconds = await run(client);
    if (round > 0) (results[`openai→${client}`] ??= []).push(microseconds);
  }
}
for (const [pair, values] of Object.entries(results)) {
  const sorted = [...values].sort((a, b) => a - b);
  console.log(`${pair.padEnd(20)} ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)} µs/frame (min ${sorted[0]!.toFixed(2)})`);
}
