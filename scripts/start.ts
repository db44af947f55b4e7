// `npm start`: the whole local stack on the default ports, loaded from switchboard.config.json
// (or SWITCHBOARD_CONFIG, or the shipped demo config). Ctrl-C stops everything it started.
import fs from 'node:fs/promises';
import path from 'node:path';
import { ROOT, startStack } from './stack';
import { loadConfigFile } from './config-file';
import { ensureConsoleBuilt } from './console-build';

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

async function main(): Promise<void> {
  const configPath = await chooseConfig();
  const config = await loadConfigFile(configPath);
  const adminKey = process.env.ADMIN_KEY ?? 'sb-admin-dev';
  if ((await ensureConsoleBuilt()) === 'built') console.log('console:     built into console/dist');
  const stack = await startStack({
    workerPort: port('SWITCHBOARD_PORT', 8787),
    analyticsPort: port('ANALYTICS_PORT', 8788),
    simPort: port('SIM_PORT', 8790),
    host: process.env.SWITCHBOARD_HOST ?? '127.0.0.1',
    config,
    adminKey,
    internalSecret: process.env.INTERNAL_SECRET ?? 'sb-internal-dev',
    scoreIntervalS: Number(process.env.SCORE_INTERVAL_S ?? 5),
  });
  const demoKey = (config as { keys?: Array<{ key: string }> }).keys?.[0]?.key;
  console.log(`config:      ${path.relative(ROOT, configPath)}`);
  console.log(`worker:      ${stack.workerUrl}   (OpenAI base URL ${stack.workerUrl}/v1)`);
  console.log(`console:     ${stack.analyticsUrl}/   (operators sign in with the admin key; users from an invite link)`);
  console.log(`analytics:   ${stack.analyticsUrl}   (ingest, scores, query APIs)`);
  console.log(`simulator:   ${stack.simUrl}   (control ${stack.simUrl}/_sim/providers)`);
  if (demoKey) console.log(`demo key:    ${demoKey}`);
  console.log(`admin key:   ${adminKey}   (development value; set ADMIN_KEY to change it)`);
  const cron = setInterval(() => void stack.triggerCron().catch(() => undefined), 60_000);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(cron);
    console.log('stopping…');
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  console.log(`switchboard ready on ${stack.workerUrl}`);
}

async function chooseConfig(): Promise<string> {
  if (process.env.SWITCHBOARD_CONFIG) return path.resolve(process.env.SWITCHBOARD_CONFIG);
  const local = path.join(ROOT, 'switchboard.config.json');
  try {
    await fs.access(local);
    return local;
  } catch {
    return path.join(ROOT, 'scripts/demo-config.json');
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
