// GET /api/ops/live: server-sent events. `overview` at every score recompute, `incident` as
// they are detected, a keep-alive comment every 15 s. Listeners are bounded (a flood of tabs
// gets 503, not an unbounded fan-out) and removed when the client goes away.
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { apiError } from './console-env';

export interface LiveEvent {
  event: 'overview' | 'incident';
  data: unknown;
}

type Listener = (event: LiveEvent) => void;

export class LiveEvents {
  readonly #listeners = new Set<Listener>();

  constructor(
    readonly maxListeners = 100,
    readonly keepAliveMs = 15_000,
  ) {}

  get size(): number {
    return this.#listeners.size;
  }

  publish(event: LiveEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  /** Called first when a client connects (the current overview), then every event. */
  respond(c: Context, initial?: () => Promise<LiveEvent | null>): Response | Promise<Response> {
    if (this.#listeners.size >= this.maxListeners) return apiError(c, 503, 'Too many live connections.', 'busy');
    return streamSSE(c, async (stream) => {
      const queue: LiveEvent[] = [];
      let wake: (() => void) | null = null;
      const listener: Listener = (event) => {
        if (queue.length < 100) queue.push(event);
        wake?.();
      };
      this.#listeners.add(listener);
      let open = true;
      stream.onAbort(() => {
        open = false;
        this.#listeners.delete(listener);
        wake?.();
      });
      try {
        const first = initial ? await initial() : null;
        if (first) await stream.writeSSE({ event: first.event, data: JSON.stringify(first.data) });
        while (open) {
          if (queue.length === 0) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, this.keepAliveMs);
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
            wake = null;
            if (queue.length === 0 && open) await stream.write(': keep-alive\n\n');
            continue;
          }
          const event = queue.shift()!;
          await stream.writeSSE({ event: event.event, data: JSON.stringify(event.data) });
        }
      } finally {
        this.#listeners.delete(listener);
      }
    });
  }
}
