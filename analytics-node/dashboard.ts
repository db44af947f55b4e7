// GET /: one self-contained operator page, for a signed-in admin (sign-in.ts). It polls /stats
// and /scores with the session cookie and builds the tables with textContent only: channel and
// model ids are operator input, never markup. A 401 (session expired) goes back to sign-in.

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard analytics</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #222; }
  h1 { font-size: 1.3rem; } h2 { font-size: 1.05rem; margin-top: 1.5rem; }
  table { border-collapse: collapse; min-width: 60%; }
  th, td { padding: .25rem .6rem; border-bottom: 1px solid #ddd; text-align: right; }
  th:first-child, td:first-child, th:nth-child(2), td:nth-child(2) { text-align: left; }
  .down { color: #b00; font-weight: 600; } .muted { color: #777; }
</style>
</head>
<body>
<h1>Switchboard analytics</h1>
<p class="muted">Window <select id="window">
  <option value="60">1 min</option><option value="300" selected>5 min</option>
  <option value="3600">1 h</option><option value="86400">24 h</option></select>
  · <span id="status">loading…</span>
  · <form method="post" action="/logout" style="display:inline"><button type="submit">Sign out</button></form></p>
<h2>Channels</h2>
<table id="stats"><thead><tr><th>channel</th><th>model</th><th>requests</th><th>error %</th>
  <th>TTFT p50 ms</th><th>TTFT p95 ms</th><th>tokens/s</th><th>cost $</th><th>revenue $</th><th>margin $</th><th>margin %</th></tr></thead><tbody></tbody></table>
<h2>Scores <span id="version" class="muted"></span></h2>
<table id="scores"><thead><tr><th>channel</th><th>model</th><th>success p</th><th>TTFT p50 ms</th>
  <th>TTFT p95 ms</th><th>tokens/s</th><th>samples</th><th>down</th></tr></thead><tbody></tbody></table>
<script>
"use strict";
const number = (value, digits) => value === null || value === undefined ? "–" : Number(value).toFixed(digits);
function fill(table, rows) {
  const body = document.querySelector(table + " tbody");
  body.replaceChildren(...rows.map((cells) => {
    const row = document.createElement("tr");
    for (const cell of cells) {
      const td = document.createElement("td");
      td.textContent = cell.text;
      if (cell.className) td.className = cell.className;
      row.append(td);
    }
    return row;
  }));
}
async function getJson(path) {
  const response = await fetch(path, { cache: "no-store", credentials: "same-origin" });
  if (response.status === 401) { location.assign("/login"); throw new Error("signed out"); }
  if (!response.ok) throw new Error(path + " answered " + response.status);
  return response.json();
}
async function refresh() {
  const window = document.getElementById("window").value;
  try {
    const [stats, scores] = await Promise.all([getJson("/stats?window=" + window), getJson("/scores")]);
    fill("#stats", stats.map((row) => {
      const margin = row.revenue_usd - row.cost_usd;
      return [row.channel, row.model, String(row.requests),
        number(row.requests ? 100 * row.errors / row.requests : null, 1),
        number(row.ttft_p50_ms, 0), number(row.ttft_p95_ms, 0), number(row.tokens_per_s, 1),
        number(row.cost_usd, 4), number(row.revenue_usd, 4), number(margin, 4),
        number(row.revenue_usd > 0 ? 100 * margin / row.revenue_usd : null, 1)].map((text) => ({ text }));
    }));
    fill("#scores", scores.entries.map((entry) => [
      { text: entry.channel_id }, { text: entry.model }, { text: number(entry.success_p, 3) },
      { text: number(entry.ttft_p50_ms, 0) }, { text: number(entry.ttft_p95_ms, 0) },
      { text: number(entry.tokens_per_s, 1) }, { text: String(entry.samples) },
      entry.down ? { text: "DOWN", className: "down" } : { text: "" }]));
    document.getElementById("version").textContent =
      "version " + scores.version + " · computed " + new Date(scores.computed_at).toLocaleTimeString();
    document.getElementById("status").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (error) {
    document.getElementById("status").textContent = "refresh failed: " + error.message;
  }
}
document.getElementById("window").addEventListener("change", refresh);
refresh();
setInterval(refresh, 3000);
</script>
</body>
</html>
`;

export function dashboardPage(): string {
  return PAGE;
}
