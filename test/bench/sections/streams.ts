// Figure 3: held streams through Switchboard (and, as the baseline at the same load, straight
// to the upstream): errors, lost / duplicated / reordered frames, workerd memory per stream,
// added TTFT. The upstream is the bench's own lean one (test/bench/load/held-upstream.ts),
// whose every frame carries its sequence and stream number; Switchboard's `ch-slow` channel is
// pointed at it for the run. The load client checks frames as bytes (load/frame-checker.ts).
import path from 'node:path';
import { cpuSeconds, rssBytes, runToResult } from '../lib/processes';
import { round, summarize } from '../lib/stats';
import { ROOT, type Simulator, type Target } from '../lib/contenders';
import { FRAMES, INTERVAL_MS, heldUrl, startHeldUpstream, type HeldUpstream } from '../load/held-target';

const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
/** One client process holds up to this many streams (it costs ~0.5 ms of CPU and ~5 KB per stream). */
const PER_CLIENT = 10_000;

export interface StreamsOptions {
  count: number;
  ratePerS: number;
}

async function heldStreams(target: Target, url: string, upstream: HeldUpstream, options: StreamsOptions) {
  const clients = Math.max(1, Math.ceil(options.count / PER_CLIENT));
  const per = Math.ceil(options.count / clients);
  const runs = Array.from({ length: clients }, (_, client) =>
    runToResult(
      'stream-client',
      TSX,
      [
        path.join(ROOT, 'test/bench/load/stream-client.ts'),
        JSON.stringify({ url, headers: target.headers, model: target.model(true), count: per, ratePerS: options.ratePerS / clients, timeoutMs: 60_000, frames: FRAMES, nonceBase: 1 + client * per }),
      ],
      undefined,
      (options.count / options.ratePerS) * 1000 + 120_000,
    ),
  );
  // CPU seconds per stream are the figure a shared machine does not distort much: a gateway
  // that needs c ms per stream can open at most 1000/c streams a second per core.
  const upstreamPid = upstream.process.child.pid!;
  const cpuBefore = { gateway: target.pid ? cpuSeconds(target.pid) : 0, upstream: cpuSeconds(upstreamPid) };
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
  const perStreamMs = (seconds: number) => round((seconds * 1000) / options.count, 3);
  const cpu = {
    gateway_ms_per_stream: target.pid ? perStreamMs(cpuSeconds(target.pid) - cpuBefore.gateway) : null,
    upstream_ms_per_stream: perStreamMs(cpuSeconds(upstreamPid) - cpuBefore.upstream),
    client_ms_per_stream: perStreamMs(results.reduce((total, result) => total + result.cpuS, 0)),
  };
  const sum = (key: string) => results.reduce((total, result) => total + (result[key] as number), 0);
  const errors: Record<string, number> = {};
  for (const result of results) for (const [kind, n] of Object.entries(result.errors as Record<string, number>)) errors[kind] = (errors[kind] ?? 0) + n;
  const maxOpen = sum('maxOpen');
  return {
    streams: sum('streams'),
    clean: sum('clean'),
    error_count: sum('errorCount'),
    errors,
    lost_frames: sum('lostFrames'),
    duplicated_frames: sum('duplicatedFrames'),
    reordered_streams: sum('reorderedStreams'),
    reordered_frames: sum('reorderedFrames'),
    foreign_frames: sum('foreignFrames'),
    malformed_frames: sum('malformedFrames'),
    checksum_mismatches: sum('checksumMismatches'),
    missing_done: sum('missingDone'),
    // Kept for the report's verdict: duplicates are what "extra" meant.
    extra_frames: sum('duplicatedFrames'),
    max_open_sum_of_clients: maxOpen,
    client_processes: clients,
    cpu,
    client_rss_peak_mb: sum('rssPeakMb'),
    ttft: summarize(results.flatMap((result) => result.ttfts as number[])),
    chunk_gap_p99_ms_worst_client: Math.max(...results.map((result) => result.gaps.p99)),
    chunk_gap_max_ms: Math.max(...results.map((result) => result.gaps.max)),
    rss_baseline_mb: round(baseline / 2 ** 20, 1),
    rss_peak_mb: round(peak / 2 ** 20, 1),
    kb_per_stream: target.pid && maxOpen > 0 ? round((peak - baseline) / 1024 / maxOpen, 1) : null,
  };
}

export async function measureStreams(sim: Simulator, direct: Target, gateway: Target, options: StreamsOptions, log: (line: string) => void) {
  const upstream = await startHeldUpstream();
  log(`  held upstream ${upstream.url}: ${FRAMES} frames ${INTERVAL_MS} ms apart, each numbered`);
  const result: Record<string, any> = { offered: options, upstream: 'test/bench/load/held-upstream.ts', frames: FRAMES, interval_ms: INTERVAL_MS };
  try {
    for (const target of [direct, gateway]) {
      // Warm-up: caches (key, catalog), JIT and upstream connections, as for every other figure.
      for (let i = 0; i < 200; i++) {
        const stream = i % 2 === 0;
        const url = target.name === 'switchboard' ? target.url : `${sim.url}/zero-openai/v1/chat/completions`;
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...target.headers },
          body: JSON.stringify({ model: target.model(false), stream, messages: [{ role: 'user', content: `warm-up ${i}` }] }),
        });
        await response.arrayBuffer();
      }
      const outcome = await heldStreams(target, await heldUrl(target, upstream), upstream, options);
      result[target.name] = outcome;
      log(
        `  ${target.name.padEnd(12)} streams ${outcome.streams} clean ${outcome.clean} errors ${outcome.error_count} ${JSON.stringify(outcome.errors)} lost ${outcome.lost_frames} duplicated ${outcome.duplicated_frames} reordered ${outcome.reordered_frames} max open ${outcome.max_open_sum_of_clients} ttft p50 ${outcome.ttft.p50} p99 ${outcome.ttft.p99} gap p99 ${outcome.chunk_gap_p99_ms_worst_client} cpu ms/stream ${JSON.stringify(outcome.cpu)}${outcome.kb_per_stream !== null ? ` rss ${outcome.rss_baseline_mb}→${outcome.rss_peak_mb} MB, ${outcome.kb_per_stream} KB/stream` : ''}`,
      );
      // Let sockets in TIME_WAIT and the gateway settle between the two runs.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  } finally {
    await upstream.process.stop();
  }
  result.added_ttft_p50_ms = round(result[gateway.name].ttft.p50 - result.direct.ttft.p50);
  result.added_ttft_p99_ms = round(result[gateway.name].ttft.p99 - result.direct.ttft.p99);
  return result;
}
