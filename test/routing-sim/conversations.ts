// Multi-turn conversations in the routing simulator: the turns of each conversation, drawn
// from the workload stream when the conversation starts (so every strategy sees the very
// same turns at the very same times), and the worker's memory of which channel served each
// conversation: every isolate's own, at once, and the cluster's shared one (the account
// object, issue 14), which other isolates see only after the lease report delay.
import type { ConversationContext } from '../../worker/core/routing/types';
import type { RandomSource } from '../../worker/core/types';
import type { ConversationSpec, Scenario } from './scenario';

export interface Turn {
  conversation: string;
  /** 0 for the opening turn. */
  index: number;
  /** ms after the conversation started. */
  offset_ms: number;
  isolate: number;
  input_tokens: number;
  output_tokens: number;
  /** The cacheable prefix: the previous turn's whole prompt (0 on the opening turn). */
  prefix_tokens: number;
}

/** How long the cluster's shared memory takes to reach the other isolates (lease report delay). */
export const SHARED_MEMORY_DELAY_MS = 1_000;

export function drawConversation(
  id: string,
  spec: ConversationSpec,
  workload: Scenario['workload'],
  isolates: number,
  random: RandomSource,
): Turn[] {
  const turns: Turn[] = [];
  const count = Math.max(1, sample(random, spec.turns));
  let history = sample(random, spec.prefix_tokens);
  let offset = 0;
  for (let index = 0; index < count; index++) {
    if (index > 0) offset += Math.max(1, sample(random, spec.think_s)) * 1000;
    const message = sample(random, workload.input_tokens);
    const output = sample(random, workload.output_tokens);
    const isolate = Math.floor(random() * isolates);
    turns.push({
      conversation: id,
      index,
      offset_ms: offset,
      isolate,
      input_tokens: history + message,
      output_tokens: output,
      prefix_tokens: index === 0 ? 0 : turns[index - 1]!.input_tokens,
    });
    // The next turn's prompt carries this one's prompt and its answer.
    history += message + output;
  }
  return turns;
}

interface Served {
  channel_id: string;
  at: number;
}

export class ConversationMemory {
  readonly #isolates: Map<string, Served>[];
  readonly #shared = new Map<string, Served>();
  readonly #schedule: (at: number, run: () => void) => void;

  constructor(isolates: number, schedule: (at: number, run: () => void) => void) {
    this.#isolates = Array.from({ length: isolates }, () => new Map<string, Served>());
    this.#schedule = schedule;
  }

  /** What the isolate knows of the conversation: the newer of its own memory and the shared one. */
  context(isolate: number, turn: Turn): ConversationContext {
    const own = this.#isolates[isolate]!.get(turn.conversation);
    const shared = this.#shared.get(turn.conversation);
    const known = own === undefined ? shared : shared === undefined || own.at >= shared.at ? own : shared;
    return {
      key: turn.conversation,
      last_channel_id: known?.channel_id ?? null,
      last_served_at: known?.at ?? null,
      prefix_tokens: turn.prefix_tokens,
      turn: turn.index + 1,
    };
  }

  /** The turn was served by `channel_id` (its cache written at `at`). */
  served(isolate: number, conversation: string, channel_id: string, at: number): void {
    const entry = { channel_id, at };
    this.#isolates[isolate]!.set(conversation, entry);
    this.#schedule(at + SHARED_MEMORY_DELAY_MS, () => {
      const known = this.#shared.get(conversation);
      if (known === undefined || known.at <= at) this.#shared.set(conversation, entry);
    });
  }
}

function sample(random: RandomSource, distribution: { mean: number; sd: number }): number {
  const u = Math.max(random(), 1e-12);
  const v = random();
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.max(1, Math.round(distribution.mean + distribution.sd * normal));
}
