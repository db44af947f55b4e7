// Held-stream load generator: opens `count` SSE streams at `ratePerS`, each on its own socket,
// parses the frames itself, measures time to first token and gaps between chunks, and checks
// every stream's token sequence against a reference (lost, reordered, extra frames).
// `tsx stream-client.ts '<json options>'`; prints "RESULT {json}".
import http from 'node:http';
import { summarize } from '../lib/stats';

interface Options {
  url: string;
  headers: Record<string, string>;
  model: string;
  prompts: string[];
  /** Reference token sequence per prompt (same index). */
  references: string[][];
  count: number;
  ratePerS: number;
  /** Give up on a stream after this long. */
  timeoutMs: number;
}

const options: Options = JSON.parse(process.argv[2]!);
const target = new URL(options.url);

interface Outcome {
  ok: boolean;
  error?: string;
  ttftMs: number;
  gaps: number[];
  tokens: string[];
  done: boolean;
}

let open = 0;
let maxOpen = 0;

function stream(index: number): Promise<Outcome> {
  const prompt = options.prompts[index % options.prompts.length]!;
  const body = JSON.stringify({ model: options.model, stream: true, messages: [{ role: 'user', content: prompt }] });
  return new Promise((resolve) => {
    const start = performance.now();
    const outcome: Outcome = { ok: false, ttftMs: -1, gaps: [], tokens: [], done: false };
    let last = 0;
    let buffer = '';
    let settled = false;
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      open--;
      clearTimeout(timer);
      outcome.error = error;
      outcome.ok = error === undefined;
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      request.destroy();
      finish('timeout');
    }, options.timeoutMs);
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close', ...options.headers },
      },
      (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          return finish(`status ${response.statusCode}`);
        }
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          buffer += chunk;
          let boundary: number;
          while ((boundary = buffer.indexOf('\n\n')) >= 0) {
            const event = buffer.slice(0, boundary);
            buffer = buffer.slice(boundary + 2);
            for (const line of event.split('\n')) {
              if (!line.startsWith('data:')) continue;
              const data = line.slice(5).trim();
              if (data === '[DONE]') {
                outcome.done = true;
                continue;
              }
              let parsed: any;
              try {
                parsed = JSON.parse(data);
              } catch {
                return finish('unparseable frame');
              }
              const content = parsed.choices?.[0]?.delta?.content;
              if (typeof content !== 'string' || content.length === 0) continue;
              const now = performance.now();
              if (outcome.ttftMs < 0) outcome.ttftMs = now - start;
              else outcome.gaps.push(now - last);
              last = now;
              outcome.tokens.push(content);
            }
          }
        });
        response.on('end', () => finish(outcome.done ? undefined : 'ended without [DONE]'));
        response.on('error', (error) => finish(`response error: ${error.message}`));
      },
    );
    request.on('socket', (socket) => socket.setNoDelay(true));
    request.on('error', (error) => finish(`request error: ${(error as NodeJS.ErrnoException).code ?? error.message}`));
    request.end(body);
    open++;
    maxOpen = Math.max(maxOpen, open);
  });
}

const outcomes: Promise<Outcome>[] = [];
const references = options.references;
const started = performance.now();
await new Promise<void>((resolve) => {
  const tick = () => {
    const due = Math.min(options.count, Math.floor(((performance.now() - started) / 1000) * options.ratePerS) + 1);
    while (outcomes.length < due) outcomes.push(stream(outcomes.length));
    if (outcomes.length < options.count) setTimeout(tick, 2);
    else resolve();
  };
  tick();
});
const results = await Promise.all(outcomes);

const errors: Record<string, number> = {};
let lost = 0;
let reordered = 0;
let extra = 0;
let clean = 0;
const ttfts: number[] = [];
const gaps: number[] = [];
results.forEach((result, index) => {
  if (!result.ok) errors[result.error!] = (errors[result.error!] ?? 0) + 1;
  if (result.ttftMs >= 0) ttfts.push(result.ttftMs);
  gaps.push(...result.gaps);
  if (!result.ok) return;
  const reference = references[index % references.length]!;
  const got = result.tokens;
  if (got.length === reference.length && got.every((token, i) => token === reference[i])) return void clean++;
  if (got.length < reference.length) lost += reference.length - got.length;
  else if (got.length > reference.length) extra += got.length - reference.length;
  else if ([...got].sort().join('\u0000') === [...reference].sort().join('\u0000')) reordered++;
  else lost++;
});
process.stdout.write(
  `RESULT ${JSON.stringify({
    streams: results.length,
    clean,
    errors,
    errorCount: results.filter((result) => !result.ok).length,
    lostFrames: lost,
    reorderedStreams: reordered,
    extraFrames: extra,
    maxOpen,
    ttfts,
    gaps: summarize(gaps),
    elapsedS: (performance.now() - started) / 1000,
  })}\n`,
);
process.exit(0);
