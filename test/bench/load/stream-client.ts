// Held-stream load generator: opens `count` streams at `ratePerS`, each on its own raw TCP
// socket with a hand-written HTTP/1.1 request, and checks each as its bytes arrive with
// FrameChecker (no SSE or JSON parsing, no reference copy, nothing allocated per chunk): time
// to first token, gaps between frames, lost / duplicated / reordered / foreign frames, the
// content checksum and [DONE]. The upstream must speak the held-stream format (held-frames.ts,
// served by held-upstream.ts). One timer opens streams, one sweeps deadlines and samples RSS.
// `tsx stream-client.ts '<json options>'`; prints "RESULT {json}".
import net from 'node:net';
import { summarize } from '../lib/stats';
import { FrameChecker } from './frame-checker';
import { heldPrompt } from './held-frames';

interface Options {
  url: string;
  headers: Record<string, string>;
  model: string;
  count: number;
  ratePerS: number;
  /** Give up on a stream after this long. */
  timeoutMs: number;
  /** Content deltas per stream (the upstream's --frames). */
  frames: number;
  /** Stream i asks for nonce nonceBase + i, so several clients never share one. */
  nonceBase?: number;
}

const options: Options = JSON.parse(process.argv[2]!);
const target = new URL(options.url);
const port = Number(target.port || 80);
const extraHeaders = Object.entries(options.headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
const nonceBase = options.nonceBase ?? 1;

interface Stream {
  socket: net.Socket;
  checker: FrameChecker;
  started: number;
  lastFrame: number;
  settled: boolean;
  error?: string;
}

const streams: Stream[] = [];
const ttfts = new Float64Array(options.count).fill(-1);
const gaps = new Float64Array(options.count * options.frames);
let gapCount = 0;
let open = 0;
let maxOpen = 0;
let settledCount = 0;
let rssPeak = process.memoryUsage.rss();
const cpuBefore = process.cpuUsage();

function requestBytes(index: number): string {
  const body = JSON.stringify({ model: options.model, stream: true, messages: [{ role: 'user', content: heldPrompt(nonceBase + index) }] });
  return `POST ${target.pathname} HTTP/1.1\r\nhost: ${target.host}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n${extraHeaders}\r\n${body}`;
}

function settle(stream: Stream, error: string | undefined): void {
  if (stream.settled) return;
  stream.settled = true;
  stream.error = error;
  open -= 1;
  settledCount += 1;
  stream.socket.destroy();
}

function openStream(index: number): void {
  const socket = net.connect({ host: target.hostname, port, noDelay: true });
  const stream: Stream = { socket, checker: new FrameChecker(options.frames, nonceBase + index), started: performance.now(), lastFrame: 0, settled: false };
  streams.push(stream);
  open += 1;
  if (open > maxOpen) maxOpen = open;
  socket.write(requestBytes(index));
  socket.on('data', (bytes: Buffer) => {
    const checker = stream.checker;
    const before = checker.received;
    checker.push(bytes);
    if (checker.received > before) {
      const now = performance.now();
      if (ttfts[index]! < 0) ttfts[index] = now - stream.started;
      else gaps[gapCount++] = now - stream.lastFrame;
      // Frames that shared this read arrived with no gap.
      for (let extra = before + 1; extra < checker.received && gapCount < gaps.length; extra += 1) gaps[gapCount++] = 0;
      stream.lastFrame = now;
    }
    if (checker.complete) settle(stream, checker.status === 200 ? undefined : `status ${checker.status}`);
  });
  socket.on('end', () => {
    stream.checker.end();
    settle(stream, stream.checker.complete ? undefined : stream.checker.status === 0 ? 'closed before the response head' : 'closed mid-stream');
  });
  socket.on('error', (error: NodeJS.ErrnoException) => settle(stream, `request error: ${error.code ?? error.message}`));
  socket.on('close', () => settle(stream, 'closed mid-stream'));
}

const started = performance.now();
await new Promise<void>((resolve) => {
  const opener = setInterval(() => {
    const due = Math.min(options.count, Math.floor(((performance.now() - started) / 1000) * options.ratePerS) + 1);
    while (streams.length < due) openStream(streams.length);
    if (streams.length >= options.count) clearInterval(opener);
  }, 2);
  const sweeper = setInterval(() => {
    const now = performance.now();
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    for (const stream of streams) if (!stream.settled && now - stream.started > options.timeoutMs) settle(stream, 'timeout');
    if (settledCount >= options.count) {
      clearInterval(sweeper);
      resolve();
    }
  }, 250);
});

const errors: Record<string, number> = {};
const totals = { clean: 0, lost: 0, duplicated: 0, reordered: 0, reorderedStreams: 0, foreign: 0, malformed: 0, checksum: 0, noDone: 0 };
for (const stream of streams) {
  const checker = stream.checker;
  if (stream.error !== undefined) {
    errors[stream.error] = (errors[stream.error] ?? 0) + 1;
    continue;
  }
  const verdict = checker.verdict();
  if (verdict === undefined) totals.clean += 1;
  totals.lost += checker.lost;
  totals.duplicated += checker.duplicated + checker.extra;
  totals.reordered += checker.reordered;
  if (checker.reordered > 0) totals.reorderedStreams += 1;
  totals.foreign += checker.foreign;
  totals.malformed += checker.malformed;
  if (verdict === 'content checksum mismatch') totals.checksum += 1;
  if (verdict === 'ended without [DONE]') totals.noDone += 1;
}
const cpu = process.cpuUsage(cpuBefore);
const firstTokens = Array.from(ttfts).filter((value) => value >= 0);
process.stdout.write(
  `RESULT ${JSON.stringify({
    streams: streams.length,
    clean: totals.clean,
    errors,
    errorCount: Object.values(errors).reduce((sum, n) => sum + n, 0),
    lostFrames: totals.lost,
    duplicatedFrames: totals.duplicated,
    reorderedFrames: totals.reordered,
    reorderedStreams: totals.reorderedStreams,
    foreignFrames: totals.foreign,
    malformedFrames: totals.malformed,
    checksumMismatches: totals.checksum,
    missingDone: totals.noDone,
    maxOpen,
    ttfts: firstTokens,
    gaps: summarize(gaps.subarray(0, gapCount)),
    cpuS: (cpu.user + cpu.system) / 1e6,
    cpuSystemS: cpu.system / 1e6,
    rssPeakMb: Math.round(rssPeak / 2 ** 20),
    elapsedS: (performance.now() - started) / 1000,
  })}\n`,
);
process.exit(0);
