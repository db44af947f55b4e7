// The cron's repair path: if no score table arrived for three push intervals, fetch the
// analytics node's current table and store it as if it had been pushed.
import type { Bindings } from '../env';
import type { IsolateState } from '../state';
import { scoreTableSchema } from './score-store';

export async function pullScores(env: Bindings, state: IsolateState, now: number): Promise<'fresh' | 'pulled' | 'failed'> {
  const last = await state.scores.lastReceivedAt(env.DB);
  if (now - last < 3 * state.settings.pushIntervalS * 1000) return 'fresh';
  if (!env.ANALYTICS_URL) return 'failed';
  try {
    const response = await fetch(`${env.ANALYTICS_URL.replace(/\/+$/, '')}/scores`, {
      headers: env.INTERNAL_SECRET ? { authorization: `Bearer ${env.INTERNAL_SECRET}` } : {},
    });
    if (!response.ok) return 'failed';
    const parsed = scoreTableSchema.safeParse(await response.json());
    if (!parsed.success) return 'failed';
    await state.scores.save(env.DB, parsed.data, now);
    return 'pulled';
  } catch {
    return 'failed';
  }
}
