// The results table, as plain text (stdout) and as Markdown (docs/routing.md).
import type { ScenarioReport, StrategyReport } from './metrics';

const COLUMNS: [string, (row: StrategyReport) => string][] = [
  ['strategy', (row) => row.name],
  ['success', (row) => `${(row.success_rate * 100).toFixed(2)}%`],
  ['att/req', (row) => row.attempts_per_request.toFixed(2)],
  ['ttft p50', (row) => ms(row.ttft_p50_ms)],
  ['ttft p95', (row) => ms(row.ttft_p95_ms)],
  ['ttft p99', (row) => ms(row.ttft_p99_ms)],
  ['e2e p95', (row) => ms(row.e2e_p95_ms)],
  ['cost $', (row) => row.cost_usd.toFixed(2)],
  ['revenue $', (row) => row.revenue_usd.toFixed(2)],
  ['margin $', (row) => row.margin_usd.toFixed(2)],
  ['margin %', (row) => row.margin_pct.toFixed(1)],
  ['outage s', (row) => (row.reaction_outage_s === null ? '-' : row.reaction_outage_s.toFixed(1))],
  ['recovery s', (row) => (row.reaction_recovery_s === null ? '-' : row.reaction_recovery_s.toFixed(1))],
  ['warm %', (row) => (row.warm_turn_rate === null ? '-' : (row.warm_turn_rate * 100).toFixed(1))],
  ['hedged %', (row) => (row.hedge_rate * 100).toFixed(1)],
];

export function textTable(report: ScenarioReport): string {
  const cells = report.strategies.map((row) => COLUMNS.map(([, cell]) => cell(row)));
  const widths = COLUMNS.map(([title], column) =>
    Math.max(title.length, ...cells.map((row) => row[column]!.length)),
  );
  const line = (values: string[]): string =>
    values.map((value, column) => (column === 0 ? value.padEnd(widths[column]!) : value.padStart(widths[column]!))).join('  ');
  return [`scenario: ${report.scenario}`, line(COLUMNS.map(([title]) => title)), ...cells.map(line)].join('\n');
}

export function markdownTable(report: ScenarioReport): string {
  const header = `| ${COLUMNS.map(([title]) => title).join(' | ')} |`;
  const rule = `|${COLUMNS.map((_, column) => (column === 0 ? '---' : '---:')).join('|')}|`;
  const rows = report.strategies.map((row) => `| ${COLUMNS.map(([, cell]) => cell(row)).join(' | ')} |`);
  return [header, rule, ...rows].join('\n');
}

function ms(value: number | null): string {
  return value === null ? '-' : String(value);
}
