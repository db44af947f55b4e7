// A lean upstream for the held-streams benchmark: any POST is answered with an OpenAI
// chat-completions SSE stream in the held-stream format (held-frames.ts) — one content delta
// at once, then one every `--interval-ms` until `--frames`, then finish, usage and [DONE].
// Streams are paced by one shared timer over a ring of time slots instead of a timer per
// stream or per chunk, so serving 10,000 held streams costs this process little next to the
// gateway being measured. The body is chunked, as real providers send SSE; `--framing=length`
// sends a content-length instead (what the gateway does with each is measured in
// docs/perf-notes-streams.md). A request whose prompt names no stream (nonce 0) gets the
// whole stream at once.
// `npx tsx held-upstream.ts [--frames=20] [--interval-ms=500] [--framing=chunked|length]`;
// prints "READY {url, port}".
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closingFrames, contentFrame, nonceOfBody, streamLength } from './held-frames';

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const FRAMES = arg('frames', 20);
const INTERVAL_MS = arg('interval-ms', 500);
const FIXED_LENGTH = process.argv.includes('--framing=length');
const SLOT_MS = 5;
const INTERVAL_SLOTS = Math.max(1, Math.round(INTERVAL_MS / SLOT_MS));

interface HeldStream {
  response: ServerResponse;
  nonce: number;
  /** The next content delta to send. */
  sequence: number;
}

// ring[slot % ring.length] holds the streams whose next frame is due in that slot. The arrays
// are reused, so a steady load allocates nothing per tick.
const ring: HeldStream[][] = Array.from({ length: INTERVAL_SLOTS * 2 + 2 }, () => []);
const started = performance.now();
const slotNow = () => Math.floor((performance.now() - started) / SLOT_MS);
let lastSlot = slotNow();
let open = 0;
let served = 0;

/** Writes frame `sequence` (and the close after the last one); false when the stream is over. */
function writeNext(stream: HeldStream): boolean {
  if (stream.response.destroyed) return false;
  const last = stream.sequence === FRAMES - 1;
  const text = contentFrame(stream.sequence, stream.nonce);
  stream.sequence += 1;
  if (last) {
    stream.response.end(text + closingFrames(FRAMES));
    return false;
  }
  stream.response.write(text);
  return true;
}

const ticker = setInterval(() => {
  const now = slotNow();
  // Catch up every slot that fell due, even if the loop was late: frames keep their schedule.
  for (let slot = lastSlot + 1; slot <= now; slot += 1) {
    const due = ring[slot % ring.length]!;
    for (let index = 0; index < due.length; index += 1) {
      const stream = due[index]!;
      if (writeNext(stream)) ring[(slot + INTERVAL_SLOTS) % ring.length]!.push(stream);
      else open -= 1;
    }
    due.length = 0;
  }
  lastSlot = now;
}, SLOT_MS);

const server = createServer({ keepAlive: true, noDelay: true, requestTimeout: 0 }, (request, response) => {
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (text: string) => (body += text));
  request.on('end', () => {
    const nonce = nonceOfBody(body);
    served += 1;
    const length = FIXED_LENGTH ? { 'content-length': streamLength(FRAMES, nonce) } : {};
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...length });
    const stream: HeldStream = { response, nonce, sequence: 0 };
    // Nonce 0 (a body without `held-stream <n>`: warm-ups, probes) is answered at once.
    if (INTERVAL_MS <= 0 || nonce === 0) {
      while (writeNext(stream));
      return;
    }
    // The first token at once (TTFT 0), the rest on the ring.
    if (!writeNext(stream)) return;
    open += 1;
    ring[(slotNow() + INTERVAL_SLOTS) % ring.length]!.push(stream);
  });
});
server.keepAliveTimeout = 600_000;
server.headersTimeout = 0;
server.maxConnections = Infinity;
server.on('connection', (socket) => socket.setNoDelay(true));
// 1,000 connections a second outrun node's default accept backlog (511) whenever the loop
// stalls for half a second; an overflowed SYN is retried after 1, 3, 7 s, which reads as a
// 1–7 s time to first token. The kernel caps this at net.core.somaxconn (4096 here).
server.listen({ port: 0, host: '127.0.0.1', backlog: 65535 }, () => {
  const port = (server.address() as AddressInfo).port;
  process.stdout.write(`READY ${JSON.stringify({ url: `http://127.0.0.1:${port}`, port })}\n`);
});

const shutdown = () => {
  clearInterval(ticker);
  process.stderr.write(`[held-upstream] served ${served}, open ${open}\n`);
  server.closeAllConnections();
  process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
