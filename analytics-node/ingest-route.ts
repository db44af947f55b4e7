// POST /ingest: a batch of LogRecords from the worker, stored once per (request_id, attempt).
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { LogRecord } from '../worker/core/types';
import { internalAuth } from './internal-auth';
import type { LogStore } from './log-store';
import { firstIssue, ingestBodySchema } from './schemas';

export const MAX_INGEST_BYTES = 10 * 1024 * 1024;

export interface IngestRouteOptions {
  store: LogStore;
  internalSecret: string;
  /** Called with the records actually stored (duplicates left out). */
  onStored(records: readonly LogRecord[]): void;
}

export function ingestRoute(options: IngestRouteOptions): Hono {
  const route = new Hono();
  route.post(
    '/ingest',
    internalAuth(options.internalSecret),
    bodyLimit({
      maxSize: MAX_INGEST_BYTES,
      onError: (c) => c.json({ error: `body over ${MAX_INGEST_BYTES} bytes` }, 413),
    }),
    async function ingest(c) {
      let body: unknown;
      try {
        body = JSON.parse(await c.req.text());
      } catch {
        return c.json({ error: 'body is not valid JSON', path: '' }, 400);
      }
      const parsed = ingestBodySchema.safeParse(body);
      if (!parsed.success) {
        const issue = firstIssue(parsed.error);
        return c.json({ error: `${issue.path || 'body'}: ${issue.message}`, path: issue.path }, 400);
      }
      const result = await options.store.ingest(parsed.data.records);
      if (result.stored.length > 0) options.onStored(result.stored);
      return c.json({ accepted: result.stored.length, duplicates: result.duplicates });
    },
  );
  return route;
}
