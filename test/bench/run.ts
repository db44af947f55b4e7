// `npm run bench [-- --quick] [--only=a,b] [--skip=a,b] [--no-pin]`: every benchmark of
// docs (benchmarks.md), each contender in its own process against one zero-delay simulator in
// its own process; results to test/bench/results/<section>.json and BENCHMARKS.md regenerated.
// Never part of `npm test`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { killAll, pin } from './lib/processes';
import { findNginx, portkeyVersion, ROOT, startContender, startSimulatorProcess, stopAll, tempDir, WORKERD_BINARY, type ContenderName, type Simulator, type Target } from './lib/contenders';
import { renderReport, RESULTS_DIR } from './lib/report';
import type { Section } from './lib/predictions';
import { measureLatency } from './sections/latency';
import { measureThroughput } from './sections/throughput';
import { measureStreams } from './sections/streams';
import { measureLoop } from './sections/loop';
import { runExternal } from './sections/external';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const pinning = !argv.includes('--no-pin');
const listFlag = (name: string) => argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3).split(',').filter(Boolean);
const ALL: Section[] = ['latency', 'throughput', 'tail', 'streams', 'router', 'analytics', 'store', 'loop', 'protocol', 'console'];
const only = listFlag('only') as Section[] | undefined;
const skip = new Set(listFlag('skip') ?? []);
const selected = ALL.filter((section) => (!only || only.includes(section)) && !skip.has(section));
const CONTENDERS: ContenderName[] = ['direct', 'node-pipe', 'nginx', 'workerd-passthrough', 'miniflare-passthrough', 'switchboard', 'portkey'];
const contenderFilter = listFlag('contenders') as ContenderName[] | undefined;
const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
const startedAt = Date.now();
const log = (line: string) => console.log(`[${((Date.now() - startedAt) / 1000).toFixed(0).padStart(4)}s] ${line}`);

const GATEWAY_CPUS = pinning ? '1' : undefined;
const CLIENT_CPUS = pinning ? '0' : undefined;
const pinDescription = pinning
  ? 'contender processes (workerd threads included) on CPU 1 via taskset; simulator, load generator and the runner on CPU 0; Miniflare\'s Node process and the analytics node unpinned'
  : 'none (--no-pin)';

function version(command: string, args: string[]): string {
  // Some tools (nginx -v) print their version on stderr.
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() || 'unknown';
}

const packageVersion = (name: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version as string;

const meta = {
  date: new Date().toISOString(),
  command,
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memory_gb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    load_average_at_start: os.loadavg().map((load) => Math.round(load * 100) / 100),
  },
  versions: {
    node: process.version,
    workerd: version(WORKERD_BINARY, ['--version']),
    miniflare: packageVersion('miniflare'),
    wrangler: packageVersion('wrangler'),
    portkey: portkeyVersion(),
    nginx: findNginx() ? version(findNginx()!, ['-v']).replace('nginx version: ', '') : 'not installed',
  },
};

/** Run one section; a failure is recorded (and reported) instead of ending the whole run. */
async function attempt(sections: Section[], work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n').slice(0, 6).join('\n') : String(error);
    log(`  FAILED: ${message}`);
    for (const section of sections) save(section, { failed: message });
  }
}

function save(section: Section, result: unknown): void {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(RESULTS_DIR, `${section}.json`), `${JSON.stringify({ meta, quick, result }, null, 1)}\n`);
}

async function withContenders<T>(names: ContenderName[], work: (sim: Simulator, targets: Target[]) => Promise<T>, pinned: boolean): Promise<T> {
  const tmp = tempDir();
  let sim: Simulator | undefined;
  const targets: Target[] = [];
  try {
    sim = await startSimulatorProcess(pinned ? CLIENT_CPUS : undefined);
    for (const name of names) {
      const target = await startContender(name, sim, { cpus: pinned ? GATEWAY_CPUS : undefined, tmp });
      if ('skipped' in target) {
        log(`  ${name}: skipped — ${target.skipped}`);
        continue;
      }
      targets.push(target);
    }
    return await work(sim, targets);
  } finally {
    await stopAll([...targets, sim]);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  log(`${command}: sections ${selected.join(', ')}${quick ? ' (quick)' : ''}`);
  if (pinning) pin(process.pid, CLIENT_CPUS!);
  const names = CONTENDERS.filter((name) => !contenderFilter || name === 'direct' || contenderFilter.includes(name));

  if (selected.includes('latency') || selected.includes('throughput')) {
    await attempt(selected.filter((section) => section === 'latency' || section === 'throughput'), () => withContenders(
      names,
      async (_sim, targets) => {
        if (selected.includes('latency')) {
          renderReport({ running: 'latency', notes: {} });
          log('latency (one connection)');
          const options = quick ? { warmup: 50, rounds: 5, perRound: 30 } : { warmup: 300, rounds: 20, perRound: 75 };
          const result = await measureLatency(targets, options, log);
          save('latency', { options, pinning: pinDescription, runtimes: Object.fromEntries(targets.map((target) => [target.name, target.runtime])), ...result });
        }
        if (selected.includes('throughput')) {
          renderReport({ running: 'throughput', notes: {} });
          log('throughput frontier');
          const options = quick
            ? { rates: [100, 500, 2000], stepS: 1, connections: 32, saturationS: 1.5, clientCpus: CLIENT_CPUS, passes: 1 }
            : { rates: [100, 250, 500, 1000, 1500, 2000, 3000], stepS: 2, connections: 64, saturationS: 4, clientCpus: CLIENT_CPUS, passes: 2 };
          const result = await measureThroughput(targets, options, log);
          save('throughput', { options, pinning: pinDescription, ...result });
        }
      },
      true,
    ));
  }

  if (selected.includes('streams')) {
    renderReport({ running: 'streams', notes: {} });
    const options = quick ? { count: 1_000, ratePerS: 250 } : { count: 10_000, ratePerS: 1_000 };
    log(`held streams: ${options.count} at ${options.ratePerS}/s`);
    await attempt(['streams'], () => withContenders(
      ['direct', 'switchboard'],
      async (sim, targets) => {
        const direct = targets.find((target) => target.name === 'direct')!;
        const gateway = targets.find((target) => target.name === 'switchboard')!;
        const result = await measureStreams(sim, direct, gateway, options, log);
        save('streams', { runtime: gateway.runtime, ...result });
      },
      false,
    ));
  }

  for (const section of ['router', 'analytics', 'store', 'tail'] as const) {
    if (!selected.includes(section)) continue;
    renderReport({ running: section, notes: {} });
    log(section);
    await attempt([section], async () => save(section, await runExternal(section, quick, log)));
  }

  if (selected.includes('loop')) {
    renderReport({ running: 'loop', notes: {} });
    log('the loop, live');
    const options = quick ? { baselineS: 5, downS: 12, upS: 15, concurrency: 4, pushIntervalS: 5 } : { baselineS: 10, downS: 25, upS: 45, concurrency: 4, pushIntervalS: 5 };
    await attempt(['loop'], async () => {
      const result = await measureLoop(options, log);
      log(`  reaction ${result.reaction_s} s, recovery ${result.recovery_s} s, errors down ${result.down_phase.errors}/${result.down_phase.requests}, up ${result.up_phase.errors}/${result.up_phase.requests}`);
      save('loop', result);
    });
  }

  if (selected.includes('protocol')) {
    renderReport({ running: 'protocol', notes: {} });
    log('protocol translation');
    await attempt(['protocol'], async () => save('protocol', await runExternal('protocol', quick, log)));
  }

  if (selected.includes('console')) {
    renderReport({ running: 'console', notes: {} });
    log('console first paint');
    await attempt(['console'], async () => save('console', await runExternal('console', quick, log)));
  }

  renderReport();
  log(`done; results in test/bench/results/, report in BENCHMARKS.md`);
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    killAll();
    setTimeout(() => process.exit(), 100).unref();
  });
