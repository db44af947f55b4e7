// The channels page: per channel, status and why, the current scores, the router's
// components (from the decisions in the window), traffic share now and an hour ago, TTFT
// quantiles, generation speed and error classes; and one channel's timeline.
import type { ScoreTable } from '../../worker/core/types';
import type { LogStore } from '../log-store';
import { GENERATION_TOKENS_PER_SECOND_SQL } from '../outcome';
import type { ChannelRow, ChannelStatus, ChannelsReport, ChannelTimeline, ScoreComponents } from './api-types';
import { tableExists } from './console-tables';
import { consoleSql } from './console-sql';
import { round } from './overview-queries';

const HOUR_MS = 3_600_000;
const COMPONENTS_TYPE = `'[{"channel_id":"VARCHAR","components":{"margin":"DOUBLE","ttft":"DOUBLE","throughput":"DOUBLE","reliability":"DOUBLE","load":"DOUBLE"}}]'`;
const COMPONENT_NAMES = ['margin', 'ttft', 'throughput', 'reliability', 'load'] as const;

/** The mean of each routing component per channel over the window's decisions (candidates: a JSON array). */
const DUCKDB_COMPONENTS = `SELECT c.channel_id AS channel_id, ${COMPONENT_NAMES.map((name) => `avg(c.components.${name}) AS ${name}`).join(', ')}
  FROM (SELECT unnest(from_json(candidates, ${COMPONENTS_TYPE})) AS c FROM decisions WHERE ts >= $1)
  WHERE c.components IS NOT NULL GROUP BY ALL`;
// The node's store keeps `candidates` Nullable (JSON text, absent for a record without a
// decision) and a decision stored by two nodes twice until a merge: FINAL, and no NULL into arrays.
const CLICKHOUSE_COMPONENTS = `SELECT JSONExtractString(c, 'channel_id') AS channel_id,
    ${COMPONENT_NAMES.map((name) => `avg(JSONExtract(c, 'components', '${name}', 'Nullable(Float64)')) AS ${name}`).join(', ')}
  FROM (SELECT arrayJoin(JSONExtractArrayRaw(assumeNotNull(candidates))) AS c FROM decisions FINAL WHERE ts >= $1 AND candidates IS NOT NULL)
  WHERE JSONHas(c, 'components') GROUP BY channel_id`;

interface LogChannelRow {
  channel_id: string;
  requests: number;
  errors: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  tokens_per_s: number | null;
}

export async function channelsReport(store: LogStore, scores: ScoreTable, windowS: number, nowMs: number): Promise<ChannelsReport> {
  const cutoff = Math.trunc(nowMs - windowS * 1000);
  const db = consoleSql(store);
  const { quantile } = db;
  const rows = await db.query<LogChannelRow>(
    `SELECT channel_id, count(*)::DOUBLE AS requests, count(*) FILTER (WHERE error_class <> 'none')::DOUBLE AS errors,
       ${quantile('ttft_ms', 0.5)}::DOUBLE AS p50, ${quantile('ttft_ms', 0.95)}::DOUBLE AS p95,
       ${quantile('ttft_ms', 0.99)}::DOUBLE AS p99,
       ${quantile(GENERATION_TOKENS_PER_SECOND_SQL, 0.5)}::DOUBLE AS tokens_per_s
     FROM ${db.log} WHERE ts_end >= $1 GROUP BY channel_id`,
    [cutoff],
  );
  // Error classes per channel as rows (not a map-valued aggregate, which each engine spells its own way).
  const classRows = await db.query<{ channel_id: string; error_class: string; n: number }>(
    `SELECT channel_id, error_class, count(*)::DOUBLE AS n FROM ${db.log} WHERE ts_end >= $1 AND error_class <> 'none' GROUP BY ALL`,
    [cutoff],
  );
  const hourAgo = await db.query<{ channel_id: string; requests: number }>(
    `SELECT channel_id, count(*)::DOUBLE AS requests FROM ${db.log} WHERE ts_end >= $1 AND ts_end < $2 GROUP BY channel_id`,
    [cutoff - HOUR_MS, Math.trunc(nowMs - HOUR_MS)],
  );
  const components = await componentsByChannel(store, cutoff);
  const total = rows.reduce((sum, row) => sum + row.requests, 0);
  const totalHourAgo = hourAgo.reduce((sum, row) => sum + row.requests, 0);
  const ids = new Set([...rows.map((row) => row.channel_id), ...scores.entries.map((entry) => entry.channel_id)]);
  const channels: ChannelRow[] = [...ids].sort().map((channelId) => {
    const row = rows.find((candidate) => candidate.channel_id === channelId);
    const entries = scores.entries.filter((entry) => entry.channel_id === channelId);
    const samples = entries.reduce((sum, entry) => sum + entry.samples, 0);
    const successP = samples > 0 ? entries.reduce((sum, entry) => sum + entry.success_p * entry.samples, 0) / samples : null;
    const classes = Object.fromEntries(classRows.filter((entry) => entry.channel_id === channelId).map((entry) => [entry.error_class, entry.n]));
    const previous = hourAgo.find((candidate) => candidate.channel_id === channelId)?.requests ?? 0;
    return {
      channel_id: channelId,
      ...statusOf(entries, row?.requests ?? 0, successP),
      models: entries.map((entry) => entry.model),
      scores: entries,
      components: components.get(channelId) ?? null,
      success_p: successP === null ? null : round(successP, 4),
      traffic_share: total === 0 ? 0 : round((row?.requests ?? 0) / total, 4),
      traffic_share_hour_ago: totalHourAgo === 0 ? 0 : round(previous / totalHourAgo, 4),
      requests: row?.requests ?? 0,
      errors: row?.errors ?? 0,
      ttft_p50_ms: row?.p50 ?? null,
      ttft_p95_ms: row?.p95 ?? null,
      ttft_p99_ms: row?.p99 ?? null,
      tokens_per_s: row?.tokens_per_s === null || row?.tokens_per_s === undefined ? null : round(row.tokens_per_s, 1),
      error_classes: classes,
    };
  });
  return { window_s: windowS, score_version: scores.version, computed_at: scores.computed_at, channels };
}

function statusOf(entries: ScoreTable['entries'], requests: number, successP: number | null): { status: ChannelStatus; reason: string } {
  const down = entries.filter((entry) => entry.down);
  if (down.length > 0) return { status: 'down', reason: `marked down by scoring for ${down.map((entry) => entry.model).join(', ')}: most of its newest attempts failed` };
  if (requests === 0 && entries.length === 0) return { status: 'idle', reason: 'no traffic in the window' };
  if (successP !== null && successP < 0.9) return { status: 'degraded', reason: `success probability ${(successP * 100).toFixed(1)} % (below 90 %)` };
  return { status: 'up', reason: successP === null ? 'no scored traffic yet' : `success probability ${(successP * 100).toFixed(1)} %` };
}

async function componentsByChannel(store: LogStore, cutoff: number): Promise<Map<string, ScoreComponents>> {
  if (!(await tableExists(store, 'decisions'))) return new Map();
  const db = consoleSql(store);
  const rows = await db.query<ScoreComponents & { channel_id: string }>(db.dialect === 'clickhouse' ? CLICKHOUSE_COMPONENTS : DUCKDB_COMPONENTS, [cutoff]);
  return new Map(rows.map(({ channel_id, ...components }) => [channel_id, components]));
}

export async function channelTimeline(store: LogStore, channelId: string, from: number, to: number, buckets = 60): Promise<ChannelTimeline> {
  const bucketMs = Math.max(1000, Math.ceil((to - from) / buckets / 1000) * 1000);
  const count = Math.max(1, Math.ceil((to - from) / bucketMs));
  const points = Array.from({ length: count }, (_, index) => ({
    at: from + index * bucketMs, success_p: null as number | null, ttft_p50_ms: null as number | null, tokens_per_s: null as number | null,
    down: false, traffic_share: null as number | null, requests: 0, errors: {} as Record<string, number>,
  }));
  const db = consoleSql(store);
  // max() of a boolean is "any true" in both engines.
  const history = await db.query<{ slot: number; success_p: number; ttft: number | null; tps: number | null; down: boolean; share: number }>(
    `SELECT ${db.intDiv('computed_at - $2', '$4')}::DOUBLE AS slot, avg(success_p) AS success_p, avg(ttft_p50_ms) AS ttft,
       avg(tokens_per_s) AS tps, max(down) AS down, avg(traffic_share) AS share
     FROM (SELECT computed_at, avg(success_p) AS success_p, avg(ttft_p50_ms) AS ttft_p50_ms, avg(tokens_per_s) AS tokens_per_s,
             max(down) AS down, sum(traffic_share) AS traffic_share
           FROM score_history WHERE channel_id = $1 AND computed_at >= $2 AND computed_at < $3 GROUP BY computed_at)
     GROUP BY slot`,
    [channelId, from, to, bucketMs],
  );
  for (const row of history) {
    const point = points[row.slot];
    if (!point) continue;
    Object.assign(point, { success_p: round(row.success_p, 4), ttft_p50_ms: row.ttft, tokens_per_s: row.tps, down: row.down, traffic_share: round(row.share, 4) });
  }
  const log = await db.query<{ slot: number; error_class: string; n: number }>(
    `SELECT ${db.intDiv('ts_end - $2', '$4')}::DOUBLE AS slot, error_class, count(*)::DOUBLE AS n
     FROM ${db.log} WHERE channel_id = $1 AND ts_end >= $2 AND ts_end < $3 GROUP BY ALL`,
    [channelId, from, to, bucketMs],
  );
  for (const row of log) {
    const point = points[row.slot];
    if (!point) continue;
    point.requests += row.n;
    if (row.error_class !== 'none') point.errors[row.error_class] = row.n;
  }
  return { channel_id: channelId, from, to, bucket_ms: bucketMs, points };
}
