// The live overview: the first numbers from GET /api/ops/overview and /incidents, then one
// EventSource on /api/ops/live for the page's lifetime (`overview` at every score recompute,
// `incident` as they happen). EventSource reconnects by itself after a dropped connection; when
// the browser gives up (readyState CLOSED, e.g. a 401 or a restart), a new one is opened after
// a pause.
import { useEffect, useState } from 'react';
import { api } from '@/lib/api';
import type { Incident, IncidentList, Overview } from './types';

export type LiveState = 'connecting' | 'live' | 'reconnecting';

export interface LiveOverview {
  overview: Overview | null;
  incidents: Incident[];
  state: LiveState;
  error: string | null;
}

const MAX_INCIDENTS = 50;
const REOPEN_DELAY_MS = 3000;

export function useLiveOverview(windowS: number): LiveOverview {
  const [overview, setOverview] = useState<Overview | null>(null);
  const [incidents, setIncidents] = useState<Incident[]>([]);
  const [state, setState] = useState<LiveState>('connecting');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let closed = false;
    api.get<Overview>('/api/ops/overview', { window: windowS }).then(
      (value) => !closed && setOverview((current) => (current && current.at > value.at ? current : value)),
      (reason: unknown) => !closed && setError(reason instanceof Error ? reason.message : String(reason)),
    );
    api.get<IncidentList>('/api/ops/incidents', { limit: MAX_INCIDENTS }).then(
      (value) => !closed && setIncidents((current) => mergeIncidents(current, value.incidents)),
      () => undefined,
    );

    let source: EventSource | null = null;
    let reopenTimer: ReturnType<typeof setTimeout> | null = null;
    const open = () => {
      source = new EventSource('/api/ops/live', { withCredentials: true });
      source.onopen = () => setState('live');
      source.addEventListener('overview', (event) => {
        const value = parse<Overview>(event);
        if (value) setOverview(value);
        // An event proves the stream is up, even if `open` was missed.
        setState('live');
      });
      source.addEventListener('incident', (event) => {
        const value = parse<Incident>(event);
        if (value) setIncidents((current) => mergeIncidents(current, [value]));
      });
      source.onerror = () => {
        if (closed || !source) return;
        setState('reconnecting');
        if (source.readyState === EventSource.CLOSED) {
          source.close();
          reopenTimer = setTimeout(() => !closed && open(), REOPEN_DELAY_MS);
        }
      };
    };
    open();
    return () => {
      closed = true;
      if (reopenTimer) clearTimeout(reopenTimer);
      source?.close();
    };
  }, [windowS]);

  return { overview, incidents, state, error };
}

function parse<T>(event: Event): T | null {
  try {
    return JSON.parse((event as MessageEvent<string>).data) as T;
  } catch {
    return null;
  }
}

/** Newest first, without duplicates (an incident may come from both the list and the stream). */
function mergeIncidents(current: Incident[], incoming: Incident[]): Incident[] {
  const seen = new Set<string>();
  const merged: Incident[] = [];
  for (const incident of [...incoming, ...current].sort((a, b) => b.at - a.at)) {
    const key = `${incident.at}:${incident.channel_id}:${incident.kind}`;
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(incident);
  }
  return merged.slice(0, MAX_INCIDENTS);
}
