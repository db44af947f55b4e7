// Where the leader's window statistics come from. A lone node has seen every record in its
// in-memory rollups; a node of a cluster has seen only the share of /ingest that reached it,
// so it reads the statistics from the shared store (every node's rows, the same window).
import type { WindowStats } from '../../worker/core/types';
import type { LogStore } from '../log-store';
import type { WindowRollups } from '../rollups';
import type { ClusterRole } from './cluster-role';

export async function scoreStatistics(role: ClusterRole, store: LogStore, rollups: WindowRollups, windowS: number, nowMs: number): Promise<WindowStats[]> {
  if (!role.clustered) return rollups.snapshot(nowMs);
  // The rollups' window: whole seconds, the current one included (rebuildRollups' cutoff).
  const fromMs = (Math.floor(nowMs / 1000) - windowS + 1) * 1000;
  return store.windowStats(fromMs, Math.trunc(nowMs) + 1);
}
