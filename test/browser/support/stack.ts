import { inject } from 'vitest';

/** What the global setup hands every browser test file. */
export interface BrowserStack {
  workerUrl: string;
  /** The analytics node's origin: it serves the console and its /api. */
  consoleUrl: string;
  adminKey: string;
  internalSecret: string;
  /** The demo config's client key (user `demo`). */
  demoKey: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    browserStack: BrowserStack;
  }
}

export function browserStack(): BrowserStack {
  return inject('browserStack');
}
