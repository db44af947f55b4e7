// A node's role among several analytics nodes sharing one log store: whether it is the one
// that recomputes and pushes scores and runs the ledger now, and the term it does so under.
// It holds the lease in the worker's D1 (POST /internal/analytics-lease), renews it every
// third of the TTL, and stops acting the moment its own view of the lease runs out.
// A node given no cluster options, or no worker URL, is its own leader and sends no term.
import { Leadership } from './leadership';
import { workerLeaseCall, type LeaseCall } from './lease-client';

export interface ClusterOptions {
  /** This node's name in the lease (letters, digits and . _ : @ -); unique per node. */
  nodeId: string;
  /** How long one grant of the lease lasts (default 15 s). */
  leaseTtlS?: number;
  /** Stop acting this long before the lease could expire (default: a fifth of the TTL). */
  leaseMarginMs?: number;
  /** Tests: how the lease is asked for (default: the worker's route). */
  leaseCall?: LeaseCall;
}

export interface ClusterRoleOptions {
  cluster?: ClusterOptions;
  workerUrl?: string;
  internalSecret: string;
  now: () => number;
  /** Called when this node becomes the leader (a new term): run the leader's work now. */
  onLeader?: (term: number) => void;
}

export interface ClusterRole {
  /** Several nodes share the store: statistics must come from it, not from this node's ingest. */
  readonly clustered: boolean;
  readonly nodeId: string | null;
  isLeader(): boolean;
  /** The term to send with a push or a ledger batch; null for a node that uses no lease. */
  term(): number | null;
  /** The version the next score table must exceed (the worker's newest, as of the last renewal). */
  versionFloor(previous: number): number;
  /** Asks for the lease now and then every third of the TTL. */
  start(): Promise<void>;
  stop(): void;
}

export function createClusterRole(options: ClusterRoleOptions): ClusterRole {
  const { cluster, now } = options;
  if (cluster === undefined) return soleNode(false, null);
  if (!/^[A-Za-z0-9._:@-]{1,128}$/.test(cluster.nodeId)) throw new Error(`cluster: node id "${cluster.nodeId}" may use letters, digits and . _ : @ - only`);
  if (options.workerUrl === undefined && cluster.leaseCall === undefined) return soleNode(true, cluster.nodeId);

  const ttlS = cluster.leaseTtlS ?? 15;
  if (!Number.isInteger(ttlS) || ttlS < 1 || ttlS > 3600) throw new Error('cluster: leaseTtlS must be a whole number of seconds, 1 to 3600');
  const leadership = new Leadership({ ttlMs: ttlS * 1000, marginMs: cluster.leaseMarginMs });
  const renewEveryMs = Math.round((ttlS * 1000) / 3);
  const call = cluster.leaseCall ?? workerLeaseCall(options.workerUrl!, options.internalSecret, renewEveryMs);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let announcedTerm: number | null = null;
  let failing = false;

  async function renew(): Promise<void> {
    const sentAt = now();
    const result = await call({ node_id: cluster!.nodeId, ttl_s: ttlS });
    if (stopped) return;
    if (!result.ok) {
      // Said once per outage, not every third of the TTL.
      if (!failing) console.warn(`analytics node ${cluster!.nodeId}: lease request failed (${result.error})`);
      failing = true;
      return;
    }
    failing = false;
    leadership.onAnswer(result.answer, sentAt);
    const term = leadership.term(now());
    if (term !== null && term !== announcedTerm) {
      announcedTerm = term;
      console.log(`analytics node ${cluster!.nodeId}: leader, lease term ${term}`);
      options.onLeader?.(term);
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => void renew().finally(schedule), renewEveryMs);
    timer.unref();
  }

  return {
    clustered: true,
    nodeId: cluster.nodeId,
    isLeader: () => leadership.holds(now()),
    term: () => leadership.term(now()),
    versionFloor: (previous) => Math.max(previous, leadership.versionFloor),
    async start() {
      if (timer !== undefined || stopped) return;
      await renew();
      schedule();
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}

function soleNode(clustered: boolean, nodeId: string | null): ClusterRole {
  return {
    clustered,
    nodeId,
    isLeader: () => true,
    term: () => null,
    versionFloor: (previous) => previous,
    start: async () => undefined,
    stop: () => undefined,
  };
}
