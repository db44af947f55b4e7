// A self-contained HTML report: per scenario the results table and, per strategy, an inline
// SVG of each channel's share of first attempts over time (stacked), with the scenario's
// timeline events marked.
import { BUCKET_MS, type RunResult } from './engine';
import type { ScenarioReport } from './metrics';
import type { Scenario } from './scenario';

interface SimulationView {
  scenario: Scenario;
  report: ScenarioReport;
  runs: RunResult[];
}

const WIDTH = 900;
const HEIGHT = 180;
const PAD_LEFT = 40;
const PAD_BOTTOM = 20;
const STEP_S = 5;

export function htmlReport(simulations: readonly SimulationView[]): string {
  const sections = simulations.map(section).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Switchboard routing simulation</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}
table{border-collapse:collapse;margin:8px 0 16px}th,td{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right}
th:first-child,td:first-child{text-align:left}h2{margin-top:32px}h3{margin:16px 0 4px;font-size:14px}
.legend span{display:inline-block;margin-right:10px;font-size:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
svg text{font-size:10px;fill:#555}
</style></head><body>
<h1>Switchboard routing simulation</h1>
${sections}
</body></html>
`;
}

function section(view: SimulationView): string {
  const { scenario, report, runs } = view;
  const colours = scenario.channels.map((_, index) => colour(index, scenario.channels.length));
  const legend = scenario.channels
    .map((channel, index) => `<span><i style="background:${colours[index]}"></i>${escape(channel.id)}</span>`)
    .join('');
  const charts = runs.map((run) => `<h3>${escape(run.strategy)}</h3>${chart(scenario, run, colours)}`).join('\n');
  return `<h2>${escape(scenario.name)}</h2>
<p>${escape(scenario.description ?? '')}</p>
${table(report)}
<div class="legend">${legend}</div>
${charts}`;
}

function table(report: ScenarioReport): string {
  const head = ['strategy', 'success', 'attempts/req', 'TTFT p50', 'p95', 'p99', 'e2e p95', 'cost $', 'revenue $', 'margin $', 'margin %', 'outage s', 'recovery s'];
  const rows = report.strategies.map((row) =>
    [
      row.name,
      `${(row.success_rate * 100).toFixed(2)}%`,
      row.attempts_per_request.toFixed(2),
      row.ttft_p50_ms ?? '-',
      row.ttft_p95_ms ?? '-',
      row.ttft_p99_ms ?? '-',
      row.e2e_p95_ms ?? '-',
      row.cost_usd.toFixed(2),
      row.revenue_usd.toFixed(2),
      row.margin_usd.toFixed(2),
      row.margin_pct.toFixed(1),
      row.reaction_outage_s ?? '-',
      row.reaction_recovery_s ?? '-',
    ]
      .map((cell, index) => (index === 0 ? `<td>${escape(String(cell))}</td>` : `<td>${cell}</td>`))
      .join(''),
  );
  return `<table><tr>${head.map((title) => `<th>${title}</th>`).join('')}</tr>${rows.map((row) => `<tr>${row}</tr>`).join('')}</table>`;
}

function chart(scenario: Scenario, run: RunResult, colours: string[]): string {
  const channels = run.channel_ids.length;
  const perStep = Math.round((STEP_S * 1000) / BUCKET_MS);
  const steps = Math.ceil(run.buckets / perStep);
  const plotWidth = WIDTH - PAD_LEFT;
  const plotHeight = HEIGHT - PAD_BOTTOM;
  const x = (step: number): number => PAD_LEFT + (step / Math.max(1, steps)) * plotWidth;
  // Cumulative shares per step: lower[c][s] .. upper[c][s].
  const cumulative: number[][] = Array.from({ length: channels + 1 }, () => new Array<number>(steps).fill(0));
  for (let step = 0; step < steps; step++) {
    const counts = new Array<number>(channels).fill(0);
    let total = 0;
    for (let bucket = step * perStep; bucket < Math.min(run.buckets, (step + 1) * perStep); bucket++) {
      for (let channel = 0; channel < channels; channel++) {
        const count = run.first_attempts[bucket * channels + channel]!;
        counts[channel]! += count;
        total += count;
      }
    }
    let sum = 0;
    for (let channel = 0; channel < channels; channel++) {
      sum += total === 0 ? 0 : counts[channel]! / total;
      cumulative[channel + 1]![step] = sum;
    }
  }
  const y = (share: number): number => plotHeight - share * plotHeight;
  const areas: string[] = [];
  for (let channel = 0; channel < channels; channel++) {
    const points: string[] = [];
    for (let step = 0; step < steps; step++) {
      const upper = y(cumulative[channel + 1]![step]!).toFixed(1);
      points.push(`${x(step).toFixed(1)},${upper}`, `${x(step + 1).toFixed(1)},${upper}`);
    }
    for (let step = steps - 1; step >= 0; step--) {
      const lower = y(cumulative[channel]![step]!).toFixed(1);
      points.push(`${x(step + 1).toFixed(1)},${lower}`, `${x(step).toFixed(1)},${lower}`);
    }
    areas.push(
      `<polygon fill="${colours[channel]}" points="${points.join(' ')}"><title>${escape(run.channel_ids[channel]!)}</title></polygon>`,
    );
  }
  const duration = scenario.duration_s;
  const markers: string[] = [];
  for (const channel of scenario.channels) {
    for (const entry of channel.timeline) {
      const position = PAD_LEFT + (entry.at_s / duration) * plotWidth;
      const label = `${channel.id}: ${entry.set !== undefined ? JSON.stringify(entry.set) : `cost ${entry.set_cost?.input_per_mtok}/${entry.set_cost?.output_per_mtok}`}`;
      markers.push(
        `<line x1="${position.toFixed(1)}" x2="${position.toFixed(1)}" y1="0" y2="${plotHeight}" stroke="#000" stroke-dasharray="3,3"><title>${escape(`${entry.at_s}s ${label}`)}</title></line>`,
      );
    }
  }
  const ticks: string[] = [];
  for (let second = 0; second <= duration; second += Math.max(30, Math.round(duration / 10 / 30) * 30)) {
    const position = PAD_LEFT + (second / duration) * plotWidth;
    ticks.push(`<text x="${position.toFixed(1)}" y="${HEIGHT - 5}" text-anchor="middle">${second}s</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">
<text x="2" y="10">100%</text><text x="2" y="${plotHeight}">0%</text>
${areas.join('\n')}
${markers.join('\n')}
${ticks.join('')}
</svg>`;
}

function colour(index: number, count: number): string {
  const hue = Math.round((index * 360) / Math.max(1, count)) % 360;
  return `hsl(${hue} 65% ${index % 2 === 0 ? 55 : 42}%)`;
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[character]!);
}
