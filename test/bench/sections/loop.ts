// Figure 6: the loop, live. The whole local stack (startStack: simulator, analytics node,
// worker on Miniflare) with two equal channels; one goes down, later comes back. Measures how
// long until under 5% of new requests try it first, how long until it gets its fair share
// again, and what clients saw meanwhile.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { startStack } from '../../../scripts/stack';
import { round } from '../lib/stats';

export interface LoopOptions {
  baselineS: number;
  downS: number;
  upS: number;
  concurrency: number;
  pushIntervalS: number;
}

const KEY = 'sk-loop-bench-0001';

interface Event {
  t: number;
  status: number;
  channel: string;
  attempts: number;
}

export async function measureLoop(options: LoopOptions, log: (line: string) => void) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-loop-'));
  const fleetPath = path.join(dataDir, 'fleet.json');
  fs.writeFileSync(
    fleetPath,
    JSON.stringify({
      providers: [
        { name: 'loop-a', dialect: 'openai', ttft_ms: 2, output_tokens: 8 },
        { name: 'loop-b', dialect: 'openai', ttft_ms: 2, output_tokens: 8 },
      ],
    }),
  );
  const cost = { input_per_mtok: 0.1, output_per_mtok: 0.2 };
  const config = {
    models: [{ id: 'loop-model', price: { input_per_mtok: 1, output_per_mtok: 2 } }],
    channels: ['a', 'b'].map((name) => ({ id: `ch-loop-${name}`, type: 'openai', base_url: `http://127.0.0.1:8790/loop-${name}`, api_key: 'sk-upstream', models: [{ model: 'loop-model', cost }] })),
    groups: [{ id: 'default', price_multiplier: 1 }],
    users: [{ id: 'loop', group: 'default', balance_usd: 1e9 }],
    keys: [{ user: 'loop', name: 'loop', key: KEY, models: ['*'] }],
    routing: { mode: 'balanced', max_attempts: 3 },
  };
  const stack = await startStack({ dataDir, config, fleetPath, scoreIntervalS: options.pushIntervalS, quiet: true });
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const events: Event[] = [];
  let running = true;
  const t0 = performance.now();
  const target = new URL(`${stack.workerUrl}/v1/chat/completions`);
  let counter = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const body = JSON.stringify({ model: 'loop-model', messages: [{ role: 'user', content: `loop ${counter++}` }] });
      const request = http.request(
        { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${KEY}` } },
        (response) => {
          response.resume();
          response.on('end', () => {
            events.push({
              t: (performance.now() - t0) / 1000,
              status: response.statusCode ?? 0,
              channel: String(response.headers['x-switchboard-channel'] ?? ''),
              attempts: Number(response.headers['x-switchboard-attempts'] ?? 0),
            });
            resolve();
          });
        },
      );
      request.on('socket', (socket) => socket.setNoDelay(true));
      request.on('error', () => {
        events.push({ t: (performance.now() - t0) / 1000, status: 0, channel: '', attempts: 0 });
        resolve();
      });
      request.end(body);
    });
  const workers = Array.from({ length: options.concurrency }, async () => {
    while (running) {
      await one();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });
  const patch = (down: boolean) =>
    fetch(`${stack.simUrl}/_sim/providers/loop-a`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ down }) });
  const sleep = (s: number) => new Promise((resolve) => setTimeout(resolve, s * 1000));
  let downAt = 0;
  let upAt = 0;
  try {
    await sleep(options.baselineS);
    downAt = (performance.now() - t0) / 1000;
    await patch(true);
    log(`  loop-a down at ${downAt.toFixed(1)} s`);
    await sleep(options.downS);
    upAt = (performance.now() - t0) / 1000;
    await patch(false);
    log(`  loop-a up at ${upAt.toFixed(1)} s`);
    await sleep(options.upS);
  } finally {
    running = false;
    await Promise.all(workers);
    agent.destroy();
    await stack.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const end = events.at(-1)?.t ?? 0;
  // A request tried loop-a first if loop-a answered on the first attempt, or if it took
  // more than one attempt (with two channels the failed first one was loop-a).
  const firstOnA = (event: Event) => (event.channel === 'ch-loop-a' ? event.attempts === 1 : event.attempts >= 2);
  const share = (from: number, to: number) => {
    const slice = events.filter((event) => event.t >= from && event.t < to);
    return slice.length === 0 ? Number.NaN : slice.filter(firstOnA).length / slice.length;
  };
  const baselineShare = share(1, downAt);
  const windowS = 1;
  // Reaction: the first moment after which every 1 s window until recovery stays under 5%.
  let reaction: number | null = null;
  for (let t = downAt; t + windowS <= upAt; t += 0.1) {
    let stays = true;
    for (let u = t; u + windowS <= upAt; u += 0.25) if (!(share(u, u + windowS) < 0.05)) stays = false;
    if (stays) {
      reaction = t + windowS - downAt;
      break;
    }
  }
  // Recovery: the first 2 s window after loop-a is back in which it gets ≥ 80% of its fair
  // share — half, for two channels with equal cost and behaviour.
  const fairShare = 0.5;
  let recovery: number | null = null;
  for (let t = upAt; t + 2 <= end; t += 0.1) {
    if (share(t, t + 2) >= 0.8 * fairShare) {
      recovery = t + 2 - upAt;
      break;
    }
  }
  const phase = (from: number, to: number) => {
    const slice = events.filter((event) => event.t >= from && event.t < to);
    return { requests: slice.length, errors: slice.filter((event) => event.status !== 200).length };
  };
  const timeline: Array<[number, number]> = [];
  for (let t = 0; t + 1 <= end; t += 1) timeline.push([t, round(share(t, t + 1), 2)]);
  return {
    options,
    requests: events.length,
    request_rate: round(events.length / end, 1),
    baseline_share: round(baselineShare, 3),
    fair_share: fairShare,
    reaction_s: reaction === null ? null : round(reaction, 2),
    recovery_s: recovery === null ? null : round(recovery, 2),
    down_phase: phase(downAt, upAt),
    up_phase: phase(upAt, end + 1),
    baseline_phase: phase(0, downAt),
    share_timeline: timeline,
    down_at_s: round(downAt, 2),
    up_at_s: round(upAt, 2),
  };
}
