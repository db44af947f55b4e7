// The held-streams figure on its own, without rewriting BENCHMARKS.md or the results files:
// the simulator, direct and Switchboard (as `npm run bench -- --only=streams` starts them,
// unpinned) and sections/streams.ts's measureStreams. Prints the section's JSON.
// `npx tsx test/bench/load/held-streams-run.ts [--streams=1000] [--rate=250]`
import os from 'node:os';
import { killAll } from '../lib/processes';
import { directTarget, startContender, startSimulatorProcess, stopAll, tempDir, type Target } from '../lib/contenders';
import { measureStreams } from '../sections/streams';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const count = Number(arg('streams', '1000'));
const ratePerS = Number(arg('rate', '250'));
const log = (line: string) => process.stderr.write(`[held-streams] ${line}\n`);

const loadBefore = os.loadavg();
const sim = await startSimulatorProcess();
let gateway: Target | undefined;
try {
  const started = await startContender('switchboard', sim, { tmp: tempDir() });
  if ('skipped' in started) throw new Error(started.skipped);
  gateway = started;
  log(`${count} streams at ${ratePerS}/s; load average ${loadBefore.map((load) => load.toFixed(2)).join(' ')}`);
  const result = await measureStreams(sim, directTarget(sim), gateway, { count, ratePerS }, log);
  console.log(JSON.stringify({ load_average_before: loadBefore, load_average_after: os.loadavg(), ...result }, (key, value) => (key === 'ttfts' ? undefined : value), 1));
} finally {
  await stopAll([gateway, sim]);
  killAll();
}
