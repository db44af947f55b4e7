// Figure 3: held streams through Switchboard (and, as the baseline at the same load, straight
// to the simulator): errors, lost or reordered frames, workerd memory per stream, added TTFT.
import path from 'node:path';
import { rssBytes, runToResult } from '../lib/processes';
import { round, summarize } from '../lib/stats';
import { ROOT, slowUrl, type Simulator, type Target } from '../lib/contenders';

const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const PER_CLIENT = 2500;

export interface StreamsOptions {
  count: number;
  ratePerS: number;
}

const PROMPTS = Array.from({ length: 16 }, (_, i) => `Held stream number ${i}: tell me about gateways.`);

async function referenceTokens(sim: Simulator): Promise<string[][]> {
  return Promise.all(
    PROMPTS.map(async (prompt) => {
      const response = await fetch(`${sim.url}/ref-openai/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'x', stream: true, messages: [{ role: 'user', content: prompt }] }),
      });
      const tokens: string[] = [];
      for (const line of (await response.text()).split('\n')) {
        if (!line.startsWith('data:') || line.includes('[DONE]')) continue;
        const content = JSON.parse(line.slice(5)).choices?.[0]?.delta?.content;
        if (typeof content === 'string' && content.length > 0) tokens.push(content);
      }
      return tokens;
    }),
  );
}

async function heldStreams(target: Target, references: string[][], options: StreamsOptions) {
  const clients = Math.max(1, Math.ceil(options.count / PER_CLIENT));
  const per = Math.ceil(options.count / clients);
  const url = target.name === 'direct' ? target.url.replace('/zero-openai/', '/slow-openai/') : target.name === 'switchboard' ? target.url : slowUrl(target);
  const runs = Array.from({ length: clients }, () =>
    runToResult(
      'stream-client',
      TSX,
      [
        path.join(ROOT, 'test/bench/load/stream-client.ts'),
        JSON.stringify({ url, headers: target.headers, model: target.model(true), prompts: PROMPTS, references, count: per, ratePerS: options.ratePerS / clients, timeoutMs: 60_000 }),
      ],
      undefined,
      options.count / options.ratePerS * 1000 + 120_000,
    ),
  );
  // Memory: sample the gateway's RSS while the streams are held.
  const baseline = target.pid ? rssBytes(target.pid) : 0;
  let peak = baseline;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      if (target.pid) peak = Math.max(peak, rssBytes(target.pid));
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  let results: any[];
  try {
    results = await Promise.all(runs);
  } finally {
    sampling = false;
    await sampler;
  }
  const ttfts = results.flatMap((result) => result.ttfts as number[]);
  const errors: Record<string, number> = {};
  for (const result of results) for (const [kind, n] of Object.entries(result.errors as Record<string, number>)) errors[kind] = (errors[kind] ?? 0) + n;
  const maxOpen = results.reduce((sum, result) => sum + result.maxOpen, 0);
  return {
    streams: results.reduce((sum, result) => sum + result.streams, 0),
    clean: results.reduce((sum, result) => sum + result.clean, 0),
    error_count: results.reduce((sum, result) => sum + result.errorCount, 0),
    errors,
    lost_frames: results.reduce((sum, result) => sum + result.lostFrames, 0),
    reordered_streams: results.reduce((sum, result) => sum + result.reorderedStreams, 0),
    extra_frames: results.reduce((sum, result) => sum + result.extraFrames, 0),
    max_open_sum_of_clients: maxOpen,
    client_processes: clients,
    ttft: summarize(ttfts),
    chunk_gap_p99_ms_worst_client: Math.max(...results.map((result) => result.gaps.p99)),
    chunk_gap_max_ms: Math.max(...results.map((result) => result.gaps.max)),
    rss_baseline_mb: round(baseline / 2 ** 20, 1),
    rss_peak_mb: round(peak / 2 ** 20, 1),
    kb_per_stream: target.pid && maxOpen > 0 ? round((peak - baseline) / 1024 / maxOpen, 1) : null,
  };
}

export async function measureStreams(sim: Simulator, direct: Target, gateway: Target, options: StreamsOptions, log: (line: string) => void) {
  const references = await referenceTokens(sim);
  log(`  reference: ${references.length} prompts, ${references[0]!.length} tokens each`);
  const result: Record<string, any> = { offered: options };
  for (const target of [direct, gateway]) {
    // Warm-up: caches (key, catalog), JIT and upstream connections, as for every other figure.
    for (let i = 0; i < 200; i++) {
      const stream = i % 2 === 0;
      const url = target.name === 'switchboard' ? target.url : target.url.replace('/slow-openai/', '/zero-openai/');
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...target.headers },
        body: JSON.stringify({ model: target.model(false), stream, messages: [{ role: 'user', content: `warm-up ${i}` }] }),
      });
      await response.arrayBuffer();
    }
    const outcome = await heldStreams(target, references, options);
    result[target.name] = outcome;
    log(
      `  ${target.name.padEnd(12)} streams ${outcome.streams} clean ${outcome.clean} errors ${outcome.error_count} ${JSON.stringify(outcome.errors)} lost ${outcome.lost_frames} reordered ${outcome.reordered_streams} max open ${outcome.max_open_sum_of_clients} ttft p50 ${outcome.ttft.p50} p99 ${outcome.ttft.p99}${outcome.kb_per_stream !== null ? ` rss ${outcome.rss_baseline_mb}→${outcome.rss_peak_mb} MB, ${outcome.kb_per_stream} KB/stream` : ''}`,
    );
    // Let sockets in TIME_WAIT and the gateway settle between the two runs.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  result.added_ttft_p50_ms = round(result[gateway.name].ttft.p50 - result.direct.ttft.p50);
  result.added_ttft_p99_ms = round(result[gateway.name].ttft.p99 - result.direct.ttft.p99);
  return result;
}
