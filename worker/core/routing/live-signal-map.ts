// The isolate's live signals as a map the planner may remember entries of. A plain Map can
// have an entry replaced or deleted between two plans, so the planner must look every
// candidate's signals up again (one hash probe a candidate, ~8% of a plan at 100
// candidates). This map refuses both: once a channel has an entry, that object is the
// channel's entry for the map's life (its fields change in place, which the planner reads
// afresh every plan). So a plan may keep, per remembered candidate position, the object it
// found (candidate-scores.ts); a channel without an entry is looked up again every plan,
// because one may be added. worker/signals/live-signals.ts keeps its snapshot this way.
import type { LiveChannelSignals } from './types';

export class LiveSignalMap extends Map<string, LiveChannelSignals> {
  override set(channel_id: string, signals: LiveChannelSignals): this {
    const existing = super.get(channel_id);
    if (existing !== undefined && existing !== signals) {
      throw new Error(`LiveSignalMap: ${channel_id} already has its signals object (change its fields instead)`);
    }
    return super.set(channel_id, signals);
  }

  override delete(_channel_id: string): boolean {
    throw new Error('LiveSignalMap: entries are never deleted (a plan may remember them)');
  }

  override clear(): void {
    throw new Error('LiveSignalMap: entries are never deleted (a plan may remember them)');
  }
}
