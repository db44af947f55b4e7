// Figures 4 and 5 and the translation cost: other owners' bench scripts, run as they are and
// their JSON kept verbatim.
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { ROOT } from '../lib/contenders';

export const EXTERNAL_SCRIPTS = {
  router: 'test/routing-sim/bench-plan.ts',
  analytics: 'test/bench/bench-ingest.ts',
  protocol: 'test/bench/bench-stream.ts',
  console: 'test/bench/bench-console-paint.ts',
  store: 'test/bench/bench-store.ts',
  tail: 'test/bench/bench-tail.ts',
} as const;

/** Arguments a section passes its script (kept within the runner's 8-minute limit). */
const EXTERNAL_ARGUMENTS: Partial<Record<keyof typeof EXTERNAL_SCRIPTS, string[]>> = {
  // The baseline (the 0.4.0 fixes undone) was measured in 0.4.0; this splits the stall that is left.
  tail: ['--rates=100', '--duration=20', '--passes=2', '--variants=current,current-discard,current-none'],
};

export async function runExternal(section: keyof typeof EXTERNAL_SCRIPTS, quick: boolean, log: (line: string) => void) {
  const script = EXTERNAL_SCRIPTS[section];
  const extra = [...(EXTERNAL_ARGUMENTS[section] ?? []), ...(quick ? ['--quick'] : [])];
  const command = `npx tsx ${[script, ...extra].join(' ')}`;
  if (!fs.existsSync(path.join(ROOT, script))) {
    log(`  ${script} does not exist (yet): not measured`);
    return { command, missing: true, note: `${script} is not in the tree; its owner has not delivered it` };
  }
  const started = Date.now();
  const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve) => {
    const child = execFile(path.join(ROOT, 'node_modules/.bin/tsx'), [script, ...extra], { cwd: ROOT, maxBuffer: 64 * 2 ** 20, timeout: 8 * 60_000, killSignal: 'SIGKILL' }, (error, out, err) =>
      resolve({ stdout: out, stderr: err, code: error ? ((error as { code?: number }).code ?? 1) : 0 }),
    );
    void child;
  });
  const seconds = (Date.now() - started) / 1000;
  const parsed = parseJson(stdout);
  log(`  ${command}: exit ${code}, ${seconds.toFixed(1)} s${parsed === null ? ' (no JSON output)' : ''}`);
  return { command, exit_code: code, seconds, result: parsed, ...(parsed === null ? { stdout_tail: stdout.slice(-3000), stderr_tail: stderr.slice(-2000) } : {}) };
}

function parseJson(text: string): unknown {
  const trimmed = text.trim();
  try {
    return JSON.parse(trimmed);
  } catch {
    // Maybe log lines before the document: take from the first line that opens one.
    const start = trimmed.search(/^[{[]/m);
    if (start < 0) return null;
    try {
      return JSON.parse(trimmed.slice(start));
    } catch {
      return null;
    }
  }
}
