// The console's static build (console/dist), made by Vite's JS API. `npm start` calls
// ensureConsoleBuilt(), which builds only when a source under console/ is newer than the last
// build (so a clean clone needs no extra step, and a restart costs nothing); `npm run
// console:build` always builds.
import fs from 'node:fs/promises';
import path from 'node:path';
import { build } from 'vite';
import { ROOT } from './stack';

const CONSOLE = path.join(ROOT, 'console');
const BUILT = path.join(CONSOLE, 'dist/index.html');
const STAMP = path.join(CONSOLE, 'dist/build.json');

/**
 * A production build whatever the caller's NODE_ENV: under vitest (NODE_ENV=test) Vite would
 * otherwise bundle React's development build, whose extra checks made the overview's first
 * paint several seconds slower.
 */
export async function buildConsole(): Promise<void> {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: path.join(CONSOLE, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
  await fs.writeFile(STAMP, `${JSON.stringify({ mode: 'production', built_at: new Date().toISOString() })}\n`);
}

export async function ensureConsoleBuilt(): Promise<'built' | 'fresh'> {
  const builtAt = await fs.stat(STAMP).then((stat) => stat.mtimeMs, () => 0);
  if (builtAt > 0 && (await newestSource(CONSOLE)) <= builtAt) return 'fresh';
  await buildConsole();
  return 'built';
}

async function newestSource(directory: string): Promise<number> {
  let newest = 0;
  for (const entry of await fs.readdir(directory, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const full = path.join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? await newestSource(full) : (await fs.stat(full)).mtimeMs);
  }
  return newest;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildConsole().then(
    () => console.log('console built into console/dist'),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
