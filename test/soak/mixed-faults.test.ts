// Five minutes of random upstream faults while clients stream on all three protocols. The
// model is served by four channels of three dialects and max_attempts covers all four, so
// while one channel is healthy no client may see an error. One "guardian" channel is always
// clean; when the guardian changes, the new one is cleaned first and the old one keeps
// serving for longer than a request can take, so no request sees every channel failing.
// Only faults before the first byte are drawn: a cut after it is visible by contract.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyTotals, runLoad, seededRandom, waitUntil } from './load';
import { startSoakStack, type SoakStack } from './soak-stack';

const DURATION_MS = Number(process.env.SOAK_MIXED_S ?? 300) * 1000;
const EPOCH_MS = 10_000;
/** Longer than the longest request: four attempts at the 1.5 s first-token time-out, plus the reply. */
const OVERLAP_MS = 7_500;
const PROVIDERS = ['mixed-openai-1', 'mixed-openai-2', 'mixed-anthropic', 'mixed-gemini'];

const CLEAN = { down: false, hang: false, error_rate: 0, error_status: 500, rate_limit_rps: null, ttft_ms: 5, tokens_per_s: 0 };
const FAULTS: Array<[string, Record<string, unknown>]> = [
  ['refused', { down: true }],
  ['hung', { hang: true }],
  ['500s', { error_rate: 1, error_status: 500 }],
  ['503s', { error_rate: 1, error_status: 503 }],
  ['429s', { error_rate: 1, error_status: 429 }],
  ['half 502s', { error_rate: 0.5, error_status: 502 }],
  ['rate limited', { rate_limit_rps: 2 }],
  ['slow start', { ttft_ms: 400 }],
  ['slow drip', { tokens_per_s: 60 }],
];

let stack: SoakStack;

async function patch(name: string, behaviour: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${stack.simUrl}/_sim/providers/${name}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(behaviour),
  });
  if (!response.ok) throw new Error(`simulator PATCH ${name}: ${response.status} ${await response.text()}`);
}

describe('mixed faults for five minutes on every protocol', () => {
  const started = Date.now();
  const report: Record<string, unknown> = {};

  beforeAll(async () => {
    stack = await startSoakStack();
  });

  afterAll(async () => {
    report.duration_s = Math.round((Date.now() - started) / 1000);
    console.log(`soak · mixed faults: ${JSON.stringify(report)}`);
    await stack?.stop();
  });

  it('no client sees an error while a channel is healthy, and every attempt is logged', async () => {
    const random = seededRandom(Number(process.env.SOAK_SEED ?? 7));
    const faultRandom = seededRandom(Number(process.env.SOAK_SEED ?? 7) + 1);
    const totals = emptyTotals();
    const toggles: string[] = [];
    let running = true;

    const faults = (async () => {
      let guardian = PROVIDERS[0]!;
      const deadline = Date.now() + DURATION_MS;
      for (let epoch = 0; running && Date.now() < deadline && epoch < 1_000; epoch++) {
        const next = PROVIDERS[Math.floor(faultRandom() * PROVIDERS.length)]!;
        if (next !== guardian) {
          await patch(next, CLEAN);
          await new Promise((resolve) => setTimeout(resolve, OVERLAP_MS));
          guardian = next;
        }
        for (const name of PROVIDERS) {
          if (name === guardian) continue;
          const [label, behaviour] = faultRandom() < 0.25 ? ['clean', {}] : FAULTS[Math.floor(faultRandom() * FAULTS.length)]!;
          await patch(name, { ...CLEAN, ...behaviour });
          toggles.push(`${name}:${label}`);
        }
        await new Promise((resolve) => setTimeout(resolve, EPOCH_MS));
      }
    })();

    await runLoad({ workerUrl: stack.workerUrl, model: 'soak-mixed', concurrency: 6, durationMs: DURATION_MS, maxRequests: 100_000, streamShare: 0.7, random }, totals);
    running = false;
    await faults;
    for (const name of PROVIDERS) await patch(name, CLEAN);

    let counters = await stack.flushLogs();
    for (let round = 0; round < 30 && counters.buffered > 0; round++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      counters = await stack.flushLogs();
    }
    const landed = await waitUntil(async () => (await stack.storedRows()) === totals.attempts, 30_000);
    Object.assign(report, {
      requests: totals.requests,
      by_client: totals.byClient,
      attempts: totals.attempts,
      records: await stack.storedRows(),
      dropped: counters.dropped,
      client_errors: totals.failures,
      fault_toggles: toggles.length,
    });
    expect(totals.failures, totals.samples.join('\n')).toBe(0);
    expect(totals.attempts).toBeGreaterThan(totals.requests);
    expect(counters.dropped).toBe(0);
    expect(landed, `records ${report.records}, attempts ${totals.attempts}`).toBe(true);
  });
});
