// BENCHMARKS.md, regenerated from test/bench/results/*.json and the predictions: every figure
// with the comparison, the goal it is judged against, the prediction and a verdict.
import fs from 'node:fs';
import path from 'node:path';
import { PREDICTIONS, type Section } from './predictions';
import { ROOT } from './contenders';

export const RESULTS_DIR = path.join(ROOT, 'test/bench/results');
const SECTION_ORDER: Section[] = ['latency', 'throughput', 'tail', 'streams', 'router', 'analytics', 'store', 'loop', 'protocol', 'console'];

type Json = any;

function load(section: string): Json | null {
  const file = path.join(RESULTS_DIR, `${section}.json`);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null;
}

const ms = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? `${value.toFixed(2)} ms` : '—');
const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value.toLocaleString('en-US') : '—');
const verdict = (ok: boolean | null) => (ok === null ? '**not measured**' : ok ? '**met**' : '**missed**');

function header(section: Json): string {
  if (!section) return '';
  const meta = section.meta;
  return `_Run ${meta.date} · \`${meta.command}\`${section.quick ? ' · **quick run (reduced sizes)**' : ''}_\n\n`;
}

function latency(section: Json): string {
  const result = section.result;
  const rows = (kind: 'non_streaming' | 'streaming') =>
    Object.entries(result[kind] as Record<string, Json>)
      .map(([name, row]) =>
        row.unavailable && kind === 'non_streaming'
          ? `| ${name} | ${row.unavailable} | | | | |`
          : kind === 'non_streaming'
          ? `| ${name} | ${ms(row.total.p50)} | ${ms(row.total.p99)} | ${ms(row.added_p50_ms)} | ${ms(row.added_p99_ms)} | ${row.errors} |`
          : row.unavailable
            ? `| ${name} | ${row.unavailable} | | | | | | |`
            : `| ${name} | ${ms(row.ttft.p50)} | ${ms(row.ttft.p99)} | ${ms(row.added_p50_ms)} | ${ms(row.added_p99_ms)} | ${ms(row.per_chunk.p50)} | ${ms(row.chunk_added_p50_ms)} | ${row.errors} |`,
      )
      .join('\n');
  const plain = result.non_streaming;
  const ours = plain.switchboard?.added_p99_ms;
  const portkey = plain.portkey?.added_p99_ms;
  const passthrough = plain['workerd-passthrough']?.added_p99_ms;
  const miniflarePassthrough = plain['miniflare-passthrough']?.added_p99_ms;
  const goalPortkey = ours !== undefined && portkey !== undefined ? ours <= 0.5 * portkey : null;
  const goalPassthrough = ours !== undefined && passthrough !== undefined ? ours <= 1.5 * passthrough : null;
  const goalSameRuntime = ours !== undefined && miniflarePassthrough !== undefined ? ours <= 1.5 * miniflarePassthrough : null;
  return `Sequential requests on one keep-alive connection per contender, ${result.options.warmup} warm-up requests, then ${result.options.rounds} interleaved rounds of ${result.options.perRound} requests (contender order rotated every round). "Added" = contender quantile − direct quantile from the same run. Pinning: ${result.pinning}.

**Non-streaming** (whole response):

| contender | p50 | p99 | added p50 | added p99 | errors |
|---|---|---|---|---|---|
${rows('non_streaming')}

**Streaming** (64 content chunks; TTFT = first content chunk; per chunk = (last − first) / (chunks − 1)):

| contender | TTFT p50 | TTFT p99 | added p50 | added p99 | per-chunk p50 | per-chunk added p50 | errors |
|---|---|---|---|---|---|---|---|
${rows('streaming')}

| goal (non-streaming added p99) | Switchboard | bound | verdict |
|---|---|---|---|
| ≤ 0.5 × Portkey's | ${ms(ours)} | ${ms(portkey === undefined ? undefined : 0.5 * portkey)} | ${verdict(goalPortkey)}${goalPortkey === false ? ` by ${ms(ours - 0.5 * portkey)}` : ''} |
| ≤ 1.5 × bare workerd passthrough (workerd serve) | ${ms(ours)} | ${ms(passthrough === undefined ? undefined : 1.5 * passthrough)} | ${verdict(goalPassthrough)}${goalPassthrough === false ? ` by ${ms(ours - 1.5 * passthrough)}${passthrough > 0 ? ` (${(ours / passthrough).toFixed(1)} ×)` : ' (the passthrough\'s added p99 is within the noise of direct\'s)'}` : ''} |
| (context) ≤ 1.5 × the same passthrough on Miniflare, Switchboard's runtime here | ${ms(ours)} | ${ms(miniflarePassthrough === undefined ? undefined : 1.5 * miniflarePassthrough)} | ${verdict(goalSameRuntime)} |
`;
}

function throughput(section: Json): string {
  const result = section.result;
  const frontier = Object.entries(result.frontier as Record<string, Json>)
    .map(([name, row]) => {
      const saturation = result.saturation[name];
      return `| ${name} | ${row.under_5ms === null ? '< lowest step' : num(row.under_5ms)}${row.bounded_by_sweep ? ' (sweep limit)' : ''} | ${row.under_10ms === null ? '< lowest step' : num(row.under_10ms)}${row.bounded_by_sweep ? ' (sweep limit)' : ''} | ${num(Math.round(saturation?.rps ?? NaN))} | ${num(saturation?.rps_per_cpu_s)} |`;
    })
    .join('\n');
  const direct = result.saturation.direct;
  const ours = result.frontier.switchboard;
  const portkey = result.frontier.portkey;
  const goal = ours && portkey && ours.under_10ms !== null && portkey.under_10ms !== null ? ours.under_10ms >= 3 * portkey.under_10ms : null;
  const ratio = ours && portkey && portkey.under_10ms ? (ours.under_10ms ?? 0) / portkey.under_10ms : null;
  const steps = Object.entries(result.steps as Record<string, Json[]>)
    .map(([name, rows]) => `| ${name} | ${rows.map((row) => `${row.offered}: ${row.added_p99_ms.toFixed(1)}${row.errors ? ` (${row.errors} err)` : ''}${row.rps_per_cpu_s ? ` [${row.rps_per_cpu_s}/cpu-s]` : ''}`).join(' · ')} |`)
    .join('\n');
  return `Open-loop fixed-rate load generator of our own (\`test/bench/load/rate-client.ts\`, ${result.options.connections} keep-alive connections, latency from the *scheduled* send time), ${result.options.stepS} s per step, offered rates ${result.options.rates.join(', ')}/s; every step is run in ${result.options.passes} interleaved passes (opposite orders), each pass starting with direct, and each contender's p99 is compared with direct's p99 of the same pass; the better pass counts (other tenants of this machine only ever add latency). A step fails with errors, < 90% of the offered rate achieved or the added p99 over the limit; the frontier is the highest rate passed before two failing steps in a row, and a contender leaves the sweep after two failing steps (> 10 ms). Saturation: autocannon, 32 connections, ${result.options.saturationS} s, closed loop. CPU = utime + stime of the contender's process(es) from /proc. Pinning: ${result.pinning}.

| contender | frontier, added p99 < 5 ms (req/s) | frontier, < 10 ms | saturation req/s (autocannon) | req/s per CPU-second at saturation |
|---|---|---|---|---|
${frontier}
| direct (reference) | — | — | ${num(Math.round(direct?.rps ?? NaN))} | — |

Added p99 (ms) per offered rate [req per CPU-second of the contender]:

| contender | steps |
|---|---|
${steps}

| goal | Switchboard | Portkey | verdict |
|---|---|---|---|
| frontier (10 ms) ≥ 3 × Portkey's | ${ours?.under_10ms === null ? `< ${result.options.rates[0]}` : num(ours?.under_10ms)} req/s | ${portkey?.under_10ms === null ? `< ${result.options.rates[0]}` : num(portkey?.under_10ms)} req/s | ${goal === null && ours && portkey ? '**missed** (neither frontier is placed by this sweep, so Switchboard cannot be shown ≥ 3 × Portkey; at saturation it served ' + (result.saturation.switchboard.rps / result.saturation.portkey.rps).toFixed(2) + ' × Portkey\'s requests/s)' : verdict(goal)}${ratio !== null ? ` (${ratio.toFixed(2)} ×)` : ''} |
`;
}

function streams(section: Json): string {
  const result = section.result;
  const sb = result.switchboard;
  const direct = result.direct;
  const row = (name: string, r: Json) =>
    `| ${name} | ${num(r.streams)} | ${num(r.max_open_sum_of_clients)} | ${num(r.error_count)} ${Object.keys(r.errors).length ? JSON.stringify(r.errors) : ''} | ${num(r.lost_frames)} | ${num(r.reordered_streams)} | ${ms(r.ttft.p50)} | ${ms(r.ttft.p99)} | ${ms(r.chunk_gap_max_ms)} | ${r.kb_per_stream === null ? '—' : `${r.rss_baseline_mb} → ${r.rss_peak_mb} MB = ${r.kb_per_stream} KB`} |`;
  const full = result.offered.count >= 10_000;
  const zero = sb.error_count === 0 && sb.lost_frames === 0 && sb.reordered_streams === 0 && sb.extra_frames === 0;
  return `${num(result.offered.count)} streams opened at ${num(result.offered.ratePerS)}/s, each 20 chunks 500 ms apart (10 s), every stream on its own socket, from ${sb.client_processes} client process(es) (\`test/bench/load/stream-client.ts\`: raw sockets; each frame carries its sequence and stream number, checked as bytes with a content checksum, so a lost, duplicated, late or foreign frame is counted). Upstream: the bench's lean held upstream (\`test/bench/load/held-upstream.ts\`), with Switchboard's \`ch-slow\` channel pointed at it; the same load straight to it is the baseline. Memory = peak RSS of the workerd process − RSS before, ÷ peak concurrent streams. Unpinned (three processes share both cores). Switchboard runtime: ${result.runtime}.

| target | streams | peak concurrent | errors | lost frames | reordered streams | TTFT p50 | TTFT p99 | max chunk gap | gateway memory per stream |
|---|---|---|---|---|---|---|---|---|---|
${row('direct', direct)}
${row('switchboard', sb)}

Added TTFT under this load: p50 ${ms(result.added_ttft_p50_ms)}, p99 ${ms(result.added_ttft_p99_ms)}.

| goal | result | verdict |
|---|---|---|
| 10,000 streams at 1,000/s: zero errors, zero lost or reordered frames | ${num(sb.streams)} streams: ${sb.error_count} errors, ${sb.lost_frames} lost, ${sb.reordered_streams} reordered | ${full ? verdict(zero) : '**not judged (quick run)**'} |
| ≤ 50 KB gateway memory per stream | ${sb.kb_per_stream} KB | ${full ? verdict(sb.kb_per_stream !== null && sb.kb_per_stream <= 50) : '**not judged (quick run)**'}${full && sb.kb_per_stream > 50 ? ` by ${(sb.kb_per_stream - 50).toFixed(1)} KB` : ''} |
`;
}

function external(section: Json, name: string): string {
  const result = section.result;
  if (result.missing) return `**Not measured**: ${result.note}.\n`;
  if (result.result === null) return `Output of \`${result.command}\` (exit ${result.exit_code}, ${result.seconds.toFixed(1)} s; the script prints a table, kept verbatim):\n\n\`\`\`\n${result.stdout_tail.trim()}\n\`\`\`\n`;
  let body = '';
  if (name === 'analytics') {
    const data = result.result;
    const ingest = (data.ingest ?? []) as Json[];
    const recompute = (data.recompute ?? []) as Json[];
    const bestIngest = Math.max(...ingest.map((row) => row.rows_per_s_median));
    const recompute3m = recompute.find((row) => row.rows_in_window >= 3_000_000);
    body += `| batch | connections | rows/s (median) | rows/s (best) | rows per server CPU-s |\n|---|---|---|---|---|\n${ingest.map((row) => `| ${num(row.batch_size)} | ${row.connections} | ${num(Math.round(row.rows_per_s_median))} | ${num(Math.round(row.rows_per_s_best))} | ${num(Math.round(row.rows_per_server_cpu_s_median))} |`).join('\n')}\n\n`;
    body += `| rows in window | recompute median | recompute max |\n|---|---|---|\n${recompute.map((row) => `| ${num(row.rows_in_window)} | ${ms(row.recompute_ms_median)} | ${ms(row.recompute_ms_max)} |`).join('\n')}\n\n`;
    body += `| goal | result | verdict |\n|---|---|---|\n| ingest ≥ 200k rows/s (issue 11) | ${num(Math.round(bestIngest))} rows/s (best median over batch sizes) | ${verdict(bestIngest >= 200_000)} |\n| recompute < 200 ms at 3M rows | ${recompute3m ? ms(recompute3m.recompute_ms_median) : 'not run (quick)'} | ${recompute3m ? verdict(recompute3m.recompute_ms_median < 200) : '**not judged (quick run)**'} |\n\n`;
  }
  if (name === 'store') {
    const rows = (result.result.results ?? []) as Json[];
    const duck = rows.find((row) => row.engine === 'duckdb');
    body += `| store | ingest rows/s | windowStats median (ms) | rows in window | ingest vs DuckDB | windowStats vs DuckDB |\n|---|---|---|---|---|---|\n`;
    body += `${rows.map((row) => `| ${row.engine} | ${num(row.ingest_rows_per_s)} | ${num(row.window_stats_ms_median)} | ${num(row.window_rows)} | ${duck ? `${(row.ingest_rows_per_s / duck.ingest_rows_per_s).toFixed(2)} ×` : ''} | ${duck ? `${(row.window_stats_ms_median / duck.window_stats_ms_median).toFixed(2)} ×` : ''} |`).join('\n')}\n\n`;
  }
  if (name === 'console') {
    const data = result.result;
    body += `${data.loads} warm loads of the operator overview in chromium (${data.machine.cores} × ${data.machine.cpu}, load average ${data.machine.load_average.join(' / ')}).\n\n`;
    body += `| measure | p50 | p95 | max |\n|---|---|---|---|\n| first contentful paint | ${ms(data.first_contentful_paint_ms.p50)} | ${ms(data.first_contentful_paint_ms.p95)} | ${ms(data.first_contentful_paint_ms.max)} |\n| overview figures on screen | ${ms(data.overview_figures_shown_ms.p50)} | ${ms(data.overview_figures_shown_ms.p95)} | ${ms(data.overview_figures_shown_ms.max)} |\n\n`;
    body += `| goal | result | verdict |\n|---|---|---|\n| overview first paint < 1 s, warm stack | p95 ${ms(data.first_contentful_paint_ms.p95)} | ${verdict(data.first_contentful_paint_ms.p95 < 1000)} |\n\n`;
    body += consoleQueries();
  }
  body += `<details><summary>raw output of \`${result.command}\` (${result.seconds.toFixed(1)} s)</summary>\n\n\`\`\`json\n${JSON.stringify(result.result, null, 1).slice(0, 6000)}\n\`\`\`\n</details>\n`;
  return body;
}

/** The dashboard-query bench runs apart (filling 10M rows takes minutes): its last result. */
function consoleQueries(): string {
  const file = path.join(RESULTS_DIR, 'console-queries.json');
  if (!fs.existsSync(file)) return 'Dashboard queries over 10M rows: not measured yet (`npx tsx test/bench/bench-console-queries.ts`).\n\n';
  const data = JSON.parse(fs.readFileSync(file, 'utf8'));
  return `Dashboard queries: the last run of \`npx tsx test/bench/bench-console-queries.ts\` (it fills a DuckDB file with ${num(data.rows ?? 10_000_000)} log rows once and reuses it), in test/bench/results/console-queries.json:\n\n\`\`\`json\n${JSON.stringify(data, null, 1).slice(0, 5000)}\n\`\`\`\n\n`;
}

function loop(section: Json): string {
  const r = section.result;
  const interval = r.options.pushIntervalS;
  return `The whole local stack (\`startStack\`: simulator, analytics node, worker on Miniflare; score push every ${interval} s), two equal channels (ch-loop-a, ch-loop-b) for one model, ${r.options.concurrency} closed-loop clients (${r.request_rate} req/s). After ${r.options.baselineS} s loop-a is set \`down: true\` for ${r.options.downS} s, then \`down: false\` for ${r.options.upS} s. A request "tried loop-a first" if loop-a answered on attempt 1 or the request needed more than one attempt. Reaction = from the fault until every following 1 s window has < 5% of new requests trying loop-a first; recovery = from the repair until a 2 s window gives loop-a ≥ 80% of its fair share (${r.fair_share * 100}%: two channels with equal cost and behaviour; before the fault it had ${(r.baseline_share * 100).toFixed(1)}% of first attempts).

| measure | result |
|---|---|
| reaction (down → < 5% first attempts) | ${r.reaction_s === null ? 'never within the down phase' : `${r.reaction_s} s`} |
| recovery (up → fair share) | ${r.recovery_s === null ? `not within ${r.options.upS} s` : `${r.recovery_s} s`} |
| client-visible errors, down phase | ${r.down_phase.errors} of ${num(r.down_phase.requests)} |
| client-visible errors, recovery phase | ${r.up_phase.errors} of ${num(r.up_phase.requests)} |
| share of first attempts on loop-a per second | ${r.share_timeline.map(([t, s]: [number, number]) => `${t}s:${Number.isFinite(s) ? Math.round(s * 100) : '–'}%`).join(' ')} |

| goal | result | verdict |
|---|---|---|
| reaction < one push interval (${interval} s) | ${r.reaction_s === null ? 'none' : `${r.reaction_s} s`} | ${verdict(r.reaction_s !== null && r.reaction_s < interval)} |
| no client-visible errors | ${r.down_phase.errors + r.up_phase.errors} | ${verdict(r.down_phase.errors + r.up_phase.errors === 0)} |
`;
}

const TITLES: Record<Section, string> = {
  latency: '1. Added latency, one connection',
  throughput: '2. Throughput frontier and CPU efficiency',
  streams: '3. Held streams',
  router: '4. Router decision time',
  analytics: '5. Analytics node: ingest and score recompute',
  loop: '6. The loop, live',
  protocol: 'Translation cost per chunk',
  console: '7. Console: first paint and dashboard queries',
  store: '5b. Log stores side by side: DuckDB and ClickHouse (chdb)',
  tail: '2b. The latency tail at a low fixed rate (A/B against the fixes undone)',
};

export function renderReport(current: { running?: string; notes: Record<string, string> } = { notes: {} }): void {
  const sections = Object.fromEntries(SECTION_ORDER.map((name) => [name, load(name)]));
  const meta = Object.values(sections).find((section) => section)?.meta;
  let text = `# Switchboard benchmarks

Generated by \`npm run bench\` (\`test/bench/run.ts\`); do not edit by hand — the prose that
explains results lives in \`test/bench/lib/report.ts\` and \`test/bench/notes.md\`. Every figure
is a ratio or a difference measured side by side in one run, with warm-up and interleaving,
because the machine is shared and noisy and the load generator, the upstream simulator and the
gateway share its two cores. Raw numbers: \`test/bench/results/<section>.json\`.

`;
  if (meta) {
    text += `## Machine and versions

| | |
|---|---|
| CPU | ${meta.machine.cpu} × ${meta.machine.cores} |
| memory | ${meta.machine.memory_gb} GB |
| kernel | ${meta.machine.kernel} |
| Node | ${meta.versions.node} |
| workerd | ${meta.versions.workerd} |
| miniflare | ${meta.versions.miniflare} |
| wrangler | ${meta.versions.wrangler} (not benchmarked; see notes) |
| Portkey gateway | ${meta.versions.portkey} |
| nginx | ${meta.versions.nginx} |

How to run: \`npm run bench\` (everything, ~15 min), \`npm run bench -- --quick\` (< 3 min, reduced
sizes), \`npm run bench -- --only=latency,streams\` (sections: ${SECTION_ORDER.join(', ')}),
\`--no-pin\` to disable taskset pinning. Each section below names the run that produced it.

## Contenders

| contender | runtime | how |
|---|---|---|
| direct | the simulator (node:http) | zero-delay provider \`zero-openai\` of \`test/simulator/fleets/zero.json\`, own process |
| node-pipe | Node ${meta.versions.node} | \`test/bench/contenders/node-pipe.ts\`: node:http proxy, keep-alive upstream agent, TCP_NODELAY |
| nginx | ${meta.versions.nginx} | 1 worker, upstream keepalive 256, proxy_buffering off |
| workerd-passthrough | \`workerd serve\` with a capnp config | \`test/bench/contenders/passthrough-worker.js\` (bare \`fetch\`), globalOutbound = network allowing local |
| miniflare-passthrough | workerd via Miniflare's API on its own socket, as \`npm start\` serves Switchboard | the same passthrough worker: the same runtime's floor (\`BENCH_ENTRY_WORKER=1\` puts Miniflare's entry worker back in front of both, for comparison) |
| switchboard | workerd via Miniflare's API on its own socket (no entry worker), local D1 | full path: bundle from \`bundleWorker\`, migrations applied, bench config (auth, routing, logging to a live analytics node on DuckDB, stream observation) |
| portkey | @portkey-ai/gateway ${meta.versions.portkey} on Node | \`start-server.js --headless\`, \`x-portkey-provider: openai\`, \`x-portkey-custom-host\` → the simulator |

`;
  }
  const notesFile = path.join(ROOT, 'test/bench/notes.md');
  const notes = fs.existsSync(notesFile) ? fs.readFileSync(notesFile, 'utf8') : '';
  for (const name of SECTION_ORDER) {
    const section = sections[name];
    text += `## ${TITLES[name]}\n\n**Prediction** (written before the run): ${PREDICTIONS[name]}\n\n`;
    if (current.running === name) text += '_Measuring now…_\n\n';
    else if (!section) text += '_Not measured yet._\n\n';
    else if (section.result?.failed) text += `${header(section)}**Not measured — the section failed**: \`${section.result.failed.replaceAll('\n', ' ')}\`\n\n`;
    else {
      text += header(section);
      text += name === 'latency' ? latency(section) : name === 'throughput' ? throughput(section) : name === 'streams' ? streams(section) : name === 'loop' ? loop(section) : external(section, name);
      text += '\n';
    }
    const note = new RegExp(`<!-- ${name} -->([\\s\\S]*?)<!-- /${name} -->`).exec(notes);
    if (note) text += `**Result vs prediction, and why**: ${note[1]!.trim()}\n\n`;
  }
  const general = /<!-- general -->([\s\S]*?)<!-- \/general -->/.exec(notes);
  if (general) text += `## Notes\n\n${general[1]!.trim()}\n`;
  fs.writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), text);
}
