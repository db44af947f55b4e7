// Figure 1: added latency at one connection, non-streaming and streaming, interleaved rounds
// after a warm-up, every contender against the same zero-delay simulator.
import { oneConnection, type Probe } from '../lib/one-connection';
import { round, summarize } from '../lib/stats';
import type { Target } from '../lib/contenders';

export interface LatencyOptions {
  warmup: number;
  rounds: number;
  perRound: number;
}

export async function measureLatency(targets: Target[], options: LatencyOptions, log: (line: string) => void) {
  const result: Record<string, unknown> = {};
  for (const stream of [false, true]) {
    const samples = new Map<string, { first: number[]; chunk: number[]; errors: number }>();
    let clients = targets.map((target) => ({ target, client: oneConnection(target.url, target.headers) }));
    const unavailable: Record<string, string> = {};
    const body = (target: Target) => JSON.stringify({ model: target.model(false), stream, messages: [{ role: 'user', content: 'Say something short about gateways.' }] });
    try {
      for (const { target, client } of clients) {
        const probe = await client.request(body(target), stream);
        if (probe.status !== 200 || (stream && probe.chunks === 0)) {
          unavailable[target.name] = `fails: HTTP ${probe.status}${target.name === 'portkey' && stream ? ' (Portkey-AI/gateway#1389: TypeError "immutable" with @hono/node-server > 1.14.2)' : ''}`;
          log(`  ${stream ? 'stream' : 'plain '} ${target.name}: ${unavailable[target.name]}; left out`);
          continue;
        }
        samples.set(target.name, { first: [], chunk: [], errors: 0 });
        for (let i = 0; i < options.warmup; i++) await client.request(body(target), stream);
      }
      clients = clients.filter(({ target }) => samples.has(target.name));
      for (let roundIndex = 0; roundIndex < options.rounds; roundIndex++) {
        // Rotate the order each round so no contender always follows the same neighbour.
        const order = clients.map((_, i) => clients[(i + roundIndex) % clients.length]!);
        for (const { target, client } of order) {
          const bucket = samples.get(target.name)!;
          for (let i = 0; i < options.perRound; i++) {
            const probe: Probe = await client.request(body(target), stream);
            if (probe.status !== 200 || (stream && probe.chunks === 0)) bucket.errors++;
            bucket.first.push(probe.firstMs);
            if (stream) bucket.chunk.push(probe.perChunkMs);
          }
        }
      }
    } finally {
      for (const { client } of clients) client.close();
    }
    const direct = samples.get('direct')!;
    const directFirst = summarize(direct.first);
    const directChunk = summarize(direct.chunk);
    const rows: Record<string, unknown> = {};
    for (const [name, bucket] of samples) {
      const first = summarize(bucket.first);
      const row: Record<string, unknown> = {
        errors: bucket.errors,
        [stream ? 'ttft' : 'total']: first,
        added_p50_ms: round(first.p50 - directFirst.p50),
        added_p99_ms: round(first.p99 - directFirst.p99),
      };
      if (stream) {
        const chunk = summarize(bucket.chunk);
        row.per_chunk = chunk;
        row.chunk_added_p50_ms = round(chunk.p50 - directChunk.p50);
        row.chunk_added_p99_ms = round(chunk.p99 - directChunk.p99);
      }
      rows[name] = row;
      log(`  ${stream ? 'stream' : 'plain '} ${name.padEnd(22)} p50 ${first.p50.toFixed(3)} p99 ${first.p99.toFixed(3)} added p50 ${String(row.added_p50_ms).padStart(7)} p99 ${String(row.added_p99_ms).padStart(7)}${bucket.errors ? ` errors ${bucket.errors}` : ''}`);
    }
    for (const [name, reason] of Object.entries(unavailable)) rows[name] = { unavailable: reason };
    result[stream ? 'streaming' : 'non_streaming'] = rows;
  }
  return result;
}
