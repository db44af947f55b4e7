// Timing marks for the tail bench (test/bench/bench-tail.ts): each wrapped wait prints
// `wait-trace <kind> <start> <end>` (epoch ms) so the bench can line slow requests up with
// the isolate's waits on D1, the account object and the analytics node. Off unless the
// TAIL_TRACE binding is "1"; when off a wrapped wait costs one boolean test. (In workerd the
// clock moves only across I/O, which is exactly what these marks bracket.)
let enabled = false;

export function enableWaitTrace(on: boolean): void {
  enabled = on;
}

export function traced<T>(kind: string, work: () => Promise<T>): Promise<T> {
  if (!enabled) return work();
  const start = Date.now();
  return work().finally(() => console.log(`wait-trace ${kind} ${start} ${Date.now()}`));
}
