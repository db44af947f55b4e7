// `npm run sim`: the simulator on SIM_PORT (default 8790) with a fleet file.
//   --port N      listen port (default $SIM_PORT or 8790)
//   --host H      listen address (default 127.0.0.1)
//   --fleet FILE  fleet file (default test/simulator/fleets/demo.json)
//   --seed N      seed for replies and random behaviour (default 0)
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadFleet } from './fleet';
import { DEFAULT_SIMULATOR_PORT, startSimulator } from './server';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      fleet: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const port = integer('--port', values.port ?? process.env.SIM_PORT ?? String(DEFAULT_SIMULATOR_PORT));
  const seed = integer('--seed', values.seed ?? '0');
  const fleetFile = values.fleet ?? path.join(import.meta.dirname, 'fleets', 'demo.json');
  const providers = await loadFleet(fleetFile);
  const simulator = await startSimulator({ port, host: values.host ?? '127.0.0.1', providers, seed });
  console.log(`simulator ready on ${simulator.url} (${providers.length} providers)`);
  const stop = () => {
    simulator.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function integer(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${flag} must be a non-negative integer, got "${text}"`);
  return value;
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
