// npm run sim:routing -- --scenario FILE [--scenario FILE ...] [--strategy NAME ...]
//                        [--duration S] [--json OUT] [--html OUT] [--markdown]
// npm run sim:routing -- --replay FROM..TO|last:15m [--url URL] [--admin-key KEY] [--db PATH]
//                        [--strategy NAME ...] [--json OUT] [--markdown]   (docs/routing-replay.md)
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { htmlReport } from './report-html';
import { markdownTable, textTable } from './report-table';
import { simulate } from './run';
import { replayCli } from './replay/replay-cli';
import { loadScenario } from './scenario';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', multiple: true },
    strategy: { type: 'string', multiple: true },
    duration: { type: 'string' },
    json: { type: 'string' },
    html: { type: 'string' },
    markdown: { type: 'boolean', default: false },
    replay: { type: 'string' },
    url: { type: 'string' },
    'admin-key': { type: 'string' },
    db: { type: 'string' },
  },
});

if (values.replay !== undefined) process.exit(await replayCli({ ...values, replay: values.replay }));

const files = values.scenario ?? [];
if (files.length === 0) {
  process.stderr.write('usage: npm run sim:routing -- --scenario FILE [--strategy NAME ...] [--json OUT] [--html OUT]\n');
  process.exit(2);
}

const simulations = files.map((file) =>
  simulate(loadScenario(file), {
    strategies: values.strategy ?? [],
    ...(values.duration !== undefined ? { duration_s: Number(values.duration) } : {}),
  }),
);
for (const simulation of simulations) {
  process.stdout.write(`${values.markdown ? markdownTable(simulation.report) : textTable(simulation.report)}\n\n`);
}
if (values.json !== undefined) {
  const reports = simulations.map((simulation) => simulation.report);
  writeFileSync(values.json, `${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
}
if (values.html !== undefined) writeFileSync(values.html, htmlReport(simulations));
