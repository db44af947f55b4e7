// One score_history row per channel × model per recompute: the ChannelScore fields and that
// pair's share of the attempts in the score window (the routing explorer's and the channel
// timeline's memory of what the router was told).
import type { ScoreTable } from '../../worker/core/types';
import type { SqlWriter } from './console-tables';

export async function storeScoreHistory(write: SqlWriter, table: ScoreTable): Promise<void> {
  if (table.entries.length === 0) return;
  const total = table.entries.reduce((sum, entry) => sum + entry.samples, 0);
  const values = table.entries.flatMap((entry) => [
    table.version,
    table.computed_at,
    entry.channel_id,
    entry.model,
    entry.success_p,
    entry.ttft_p50_ms,
    entry.ttft_p95_ms,
    entry.tokens_per_s,
    entry.error_mix.rate_limit,
    entry.error_mix.server,
    entry.error_mix.timeout,
    entry.error_mix.connection,
    entry.samples,
    entry.last_ts,
    entry.down,
    total === 0 ? 0 : entry.samples / total,
  ]);
  const width = 16;
  const rows = table.entries.map((_, row) => `(${Array.from({ length: width }, (_, column) => `$${row * width + column + 1}`).join(', ')})`);
  await write(`INSERT INTO score_history VALUES ${rows.join(', ')}`, values);
}
