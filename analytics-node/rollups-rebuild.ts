// The start-up rebuild of what the rollups learned for issue 14 (cache behaviour and load):
// warm attempts and hits per second, the cached-TTFT histogram, and the spans of the
// attempts that ended in the last 10 s. queries.ts's rebuildRollups refills the older
// counters and then calls this, so a restarted lone node scores as one that never stopped.
import { TTFT_HISTOGRAM, bucketSql } from './histogram';
import type { LogStore } from './log-store';
import type { WindowRollups } from './rollups';
import { integerDivide, logSource } from './store/dialect';
import { IN_FLIGHT_SPAN_MS } from './store/window-stats';

export async function rebuildRollupExtras(store: LogStore, rollups: WindowRollups, nowMs: number): Promise<void> {
  const cutoffMs = (Math.floor(nowMs / 1000) - rollups.windowS + 1) * 1000;
  const windowed = `FROM ${logSource(store.dialect)} WHERE ts_end >= ${cutoffMs}`;
  const second = `${integerDivide(store.dialect, 'ts_end', '1000')}::DOUBLE`;
  const [warm, cached, busy] = await Promise.all([
    store.query<{ channel_id: string; model: string; second: number; warm_attempts: number; warm_cache_hits: number }>(
      `SELECT channel_id, model, ${second} AS second, count(*)::DOUBLE AS warm_attempts,
         count(*) FILTER (WHERE cached_input_tokens > 0)::DOUBLE AS warm_cache_hits
       ${windowed} AND cache_state = 'warm' GROUP BY channel_id, model, second`,
    ),
    store.query<{ channel_id: string; model: string; second: number; bucket: number; n: number }>(
      `SELECT channel_id, model, ${second} AS second, ${bucketSql('ttft_ms', TTFT_HISTOGRAM)} AS bucket, count(*)::DOUBLE AS n
       ${windowed} AND ttft_ms IS NOT NULL AND error_class = 'none' AND cached_input_tokens > 0
       GROUP BY channel_id, model, second, bucket`,
    ),
    store.query<{ channel_id: string; model: string; ts_start: number; ts_end: number }>(
      `SELECT channel_id, model, ts_start::DOUBLE AS ts_start, ts_end::DOUBLE AS ts_end
       ${windowed} AND ts_end > ${Math.trunc(nowMs) + 1 - IN_FLIGHT_SPAN_MS}`,
    ),
  ]);
  for (const row of warm) {
    rollups.addCounts(row.channel_id, row.model, Number(row.second), { warm_attempts: Number(row.warm_attempts), warm_cache_hits: Number(row.warm_cache_hits) }, nowMs);
  }
  for (const row of cached) {
    rollups.addHistogram('cached_ttft', row.channel_id, row.model, Number(row.second), Number(row.bucket), Number(row.n), nowMs);
  }
  for (const row of busy) rollups.addBusy(row.channel_id, row.model, Number(row.ts_start), Number(row.ts_end), nowMs);
}
