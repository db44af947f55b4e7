// The operator overview's first paint on a warm stack (issue 13: under 1 s): the real local
// stack (demo config, simulator, worker, analytics node serving the built console) with some
// traffic, Debian's chromium through playwright-core, an admin session; then the overview is
// opened again and again in fresh pages of that session, and for each load the browser's own
// first-contentful-paint and the time until the overview's figures are on screen (its first
// /api/ops/overview answer rendered) are read. Prints JSON (p50 / p95 / max, the machine).
//   npx tsx test/bench/bench-console-paint.ts [--loads 20]
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, startStack } from '../../scripts/stack';
import { ensureConsoleBuilt } from '../../scripts/console-build';

const loadsIndex = process.argv.indexOf('--loads');
const LOADS = loadsIndex === -1 ? (process.argv.includes('--quick') ? 8 : 20) : Number(process.argv[loadsIndex + 1]);

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
}

async function main(): Promise<void> {
  await ensureConsoleBuilt();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-paint-'));
  const config = JSON.parse(await fs.readFile(path.join(ROOT, 'scripts/demo-config.json'), 'utf8'));
  const stack = await startStack({ dataDir, config, adminKey: 'paint-admin', internalSecret: 'paint-internal', scoreIntervalS: 1, quiet: true });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  try {
    // Traffic, so the overview has series and channels to draw.
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        fetch(`${stack.workerUrl}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: 'Bearer sk-demo-123', 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `paint ${i}` }] }),
        }).then((response) => response.arrayBuffer()),
      ),
    );
    const context = await browser.newContext({ baseURL: stack.analyticsUrl, viewport: { width: 1280, height: 800 } });
    const signIn = await context.request.post('/api/session', { data: { kind: 'admin', admin_key: 'paint-admin' } });
    if (!signIn.ok()) throw new Error(`sign-in failed: ${signIn.status()}`);
    const paints: number[] = [];
    const figures: number[] = [];
    // The first load warms the stack and the browser's cache: not counted.
    for (let load = 0; load <= LOADS; load++) {
      const page = await context.newPage();
      const started = Date.now();
      await page.goto('/ops', { waitUntil: 'commit' });
      await page.getByText('Requests/s', { exact: false }).first().waitFor();
      await page.waitForFunction("/\\d/.test(document.querySelector('main')?.textContent ?? '')");
      const shown = Date.now() - started;
      const paint = (await page.evaluate("performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN")) as number;
      await page.close();
      if (load === 0) continue;
      paints.push(paint);
      figures.push(shown);
    }
    console.log(
      JSON.stringify(
        {
          loads: LOADS,
          machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, load_average: os.loadavg().map((value) => Math.round(value * 100) / 100) },
          first_contentful_paint_ms: { p50: quantile(paints, 0.5), p95: quantile(paints, 0.95), max: Math.round(Math.max(...paints)) },
          overview_figures_shown_ms: { p50: quantile(figures, 0.5), p95: quantile(figures, 0.95), max: Math.round(Math.max(...figures)) },
          goal: 'first paint of the overview under 1 s on a warm stack',
        },
        null,
        1,
      ),
    );
  } finally {
    await browser.close();
    await stack.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
