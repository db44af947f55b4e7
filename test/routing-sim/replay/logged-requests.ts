// The window's requests as they arrived (first attempts), and what the real router made of
// them: success, attempts, TTFT and end-to-end time as the client saw them, cost and revenue.
import type { ReplayAttemptRow } from '../../../analytics-node/replay/replay-queries';
import type { LoggedOutcome, ReplayRequest } from './replay-model';

export function loggedRequests(rows: readonly ReplayAttemptRow[], from: number): { requests: ReplayRequest[]; logged: LoggedOutcome } {
  const byRequest = new Map<string, ReplayAttemptRow[]>();
  for (const row of rows) {
    let list = byRequest.get(row.request_id);
    if (list === undefined) byRequest.set(row.request_id, (list = []));
    list.push(row);
  }
  const outputByModel = typicalOutput(rows);
  const requests: ReplayRequest[] = [];
  const logged: LoggedOutcome = {
    successes: 0, attempts: 0, ttft_ms: [], e2e_ms: [], cost_usd: 0, revenue_usd: 0, hedges: 0, hedge_cost_usd: 0, turns: 0, warm_turns: 0, first_channels: [],
  };
  const lastTurn = new Map<string, number>();
  const groups = [...byRequest.values()]
    .map((attempts) => attempts.sort((a, b) => a.attempt - b.attempt))
    // Only requests that began in the window: a retry logged without its first attempt is not one.
    .filter((attempts) => attempts[0]!.attempt === 1)
    .sort((a, b) => a[0]!.ts_start - b[0]!.ts_start || (a[0]!.request_id < b[0]!.request_id ? -1 : 1));
  for (const attempts of groups) {
    const first = attempts[0]!;
    const success = attempts.find((row) => row.error_class === 'none');
    const input = Math.max(...attempts.map((row) => row.input_tokens));
    const conversation = first.conversation;
    const previous = conversation === null ? undefined : lastTurn.get(conversation);
    if (conversation !== null) lastTurn.set(conversation, input);
    requests.push({
      request_id: first.request_id,
      arrival_ms: first.ts_start - from,
      model: first.model,
      input_tokens: input,
      output_tokens: Math.max(1, success?.output_tokens ?? outputByModel.get(first.model) ?? 1),
      stream: first.stream,
      conversation,
      prefix_tokens: previous === undefined ? 0 : Math.min(previous, input),
      client_error: success === undefined && attempts.at(-1)!.error_class === 'client',
    });
    logged.first_channels.push(first.channel_id);
    logged.attempts += attempts.length;
    if (attempts.some((row) => row.hedge === 'hedge')) logged.hedges++;
    for (const row of attempts) {
      logged.cost_usd += row.cost_usd;
      logged.revenue_usd += row.price_usd;
      if (row.error_class === 'cancelled') logged.hedge_cost_usd += row.cost_usd;
    }
    if (success !== undefined && previous !== undefined) {
      logged.turns++;
      if (success.cache_state === 'warm' || success.cached_input_tokens > 0) logged.warm_turns++;
    }
    if (success !== undefined) {
      logged.successes++;
      if (success.ttft_ms !== null) logged.ttft_ms.push(success.ts_start + success.ttft_ms - first.ts_start);
      logged.e2e_ms.push(success.ts_end - first.ts_start);
    }
  }
  return { requests, logged };
}

/** Median output of successful attempts per model: the length of a request that never got one. */
function typicalOutput(rows: readonly ReplayAttemptRow[]): Map<string, number> {
  const byModel = new Map<string, number[]>();
  for (const row of rows) {
    if (row.error_class !== 'none') continue;
    let list = byModel.get(row.model);
    if (list === undefined) byModel.set(row.model, (list = []));
    list.push(row.output_tokens);
  }
  const medians = new Map<string, number>();
  for (const [model, list] of byModel) medians.set(model, list.sort((a, b) => a - b)[Math.floor(list.length / 2)]!);
  return medians;
}
