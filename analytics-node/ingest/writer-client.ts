// The main thread's handle on the writer thread: starts it, matches replies to requests, and
// keeps the process alive only while a request is pending (an idle store never holds the
// event loop open, a pending one always does).
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { StatementValue, WriterReply, WriterRequest, WriterStarted } from './writer-protocol';

type Pending = { resolve(value: unknown): void; reject(error: Error): void };
type RequestBody = WriterRequest extends infer Request ? (Request extends { id: number } ? Omit<Request, 'id'> : never) : never;

export interface WriterClient {
  /** Rows in `log` when the file was opened. */
  rows: number;
  /** `transfer`: buffers moved to the thread instead of copied (the caller must not use them again). */
  request(body: RequestBody, transfer?: readonly ArrayBuffer[]): Promise<unknown>;
  terminate(): Promise<void>;
}

/**
 * The thread runs writer-thread.ts. The project runs TypeScript through tsx, which does not
 * reach worker threads by itself: the thread registers tsx's loader, then imports the entry.
 */
export async function startWriterThread(dbPath: string): Promise<WriterClient> {
  const entry = new URL('./writer-thread.ts', import.meta.url).href;
  const loader = tsxLoaderUrl();
  const worker = new Worker(
    `import(${JSON.stringify(loader)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`,
    { eval: true, workerData: { dbPath } },
  );
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let failure: Error | null = null;

  const rows = await new Promise<number>((resolve, reject) => {
    const onStart = (message: WriterStarted) => {
      worker.off('message', onStart);
      if (message.kind === 'started') resolve(message.rows);
      else reject(new Error(`log store: ${message.error}`));
    };
    worker.on('message', onStart);
    worker.once('error', reject);
  });

  const failAll = (error: Error) => {
    failure = error;
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
    worker.unref();
  };
  worker.on('message', (reply: WriterReply) => {
    const entry = pending.get(reply.id);
    if (entry === undefined) return;
    pending.delete(reply.id);
    if (pending.size === 0) worker.unref();
    if (reply.ok) entry.resolve(reply.value);
    else entry.reject(new Error(reply.error));
  });
  worker.on('error', (error) => failAll(error));
  worker.on('exit', (code) => failAll(new Error(`log store: writer thread exited (${code})`)));
  worker.unref();

  return {
    rows,
    request(body, transfer = []) {
      if (failure !== null) return Promise.reject(failure);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage({ ...body, id } as WriterRequest, [...transfer]);
      });
    },
    async terminate() {
      await worker.terminate();
    },
  };
}

/** tsx's ESM API (its `import` export; require.resolve would find the CommonJS one). */
function tsxLoaderUrl(): string {
  const packageJson = createRequire(import.meta.url).resolve('tsx/package.json');
  return pathToFileURL(path.join(path.dirname(packageJson), 'dist/esm/api/index.mjs')).href;
}

/** Statement values cross the thread boundary as primitives (DuckDB's value classes do not). */
export function primitiveValues(values: readonly unknown[] | undefined): StatementValue[] | undefined {
  if (values === undefined) return undefined;
  return values.map((value, index) => {
    if (value === null || ['string', 'number', 'bigint', 'boolean'].includes(typeof value)) return value as StatementValue;
    throw new TypeError(`log store: value ${index} must be a string, number, bigint, boolean or null`);
  });
}
