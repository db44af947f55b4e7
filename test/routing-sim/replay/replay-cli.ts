// The `--replay` branch of `npm run sim:routing` (main.ts): prints the table and what was
// replayed, writes --json when asked; returns the exit code.
import { writeFileSync } from 'node:fs';
import { markdownTable, textTable } from '../report-table';
import { DEFAULT_ANALYTICS_URL, runReplayCommand } from './replay-command';

export interface ReplayCliValues {
  replay: string;
  url?: string;
  'admin-key'?: string;
  db?: string;
  strategy?: string[];
  json?: string;
  markdown?: boolean;
}

export async function replayCli(values: ReplayCliValues): Promise<number> {
  const result = await runReplayCommand({
    window: values.replay,
    url: values.url ?? process.env.ANALYTICS_URL ?? DEFAULT_ANALYTICS_URL,
    adminKey: values['admin-key'] ?? process.env.ADMIN_KEY,
    ...(values.db !== undefined ? { db: values.db } : {}),
    strategies: values.strategy ?? [],
  });
  if (!result.ok) {
    process.stderr.write(`sim:routing --replay: ${result.error}\n`);
    return 2;
  }
  const { report, description } = result.value;
  const table = values.markdown === true ? markdownTable(report) : textTable(report);
  process.stdout.write(`${table}\n\n${description}\n`);
  if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify({ ...report, description }, null, 2)}\n`);
  return 0;
}
