// The open-loop schedule both fixed-rate clients share (rate-client.ts, bench-tail-client.ts):
// request i is sent at start + i / rate whatever the server does, and `settle` hears each
// answer with its scheduled time, so latency is measured from the schedule and a slow server
// cannot hide queueing (no coordinated omission).

/** `settle` records one answer and says whether it was an error. */
export async function runOpenLoop<T>(
  send: () => Promise<T>,
  rate: number,
  durationS: number,
  settle: (index: number, scheduled: number, result: T) => boolean,
): Promise<{ total: number; done: number; errors: number }> {
  const total = Math.round(rate * durationS);
  let done = 0;
  let errors = 0;
  let sent = 0;
  const start = performance.now() + 5;
  const finished = new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - start) / 1000) * rate) + 1);
      while (sent < due) {
        const index = sent++;
        const scheduled = start + (index * 1000) / rate;
        void send().then((result) => {
          if (settle(index, scheduled, result)) errors++;
          if (++done === total) resolve();
        });
      }
      if (sent < total) setTimeout(tick, 1);
    };
    setTimeout(tick, 5);
  });
  const deadline = new Promise<void>((resolve) => setTimeout(resolve, durationS * 1000 + 20_000).unref());
  await Promise.race([finished, deadline]);
  return { total, done, errors };
}
