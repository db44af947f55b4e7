// POST /ingest: a batch of LogRecords from the worker, stored once per (request_id, attempt).
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { LogRecord } from '../worker/core/types';
import { internalAuth } from './internal-auth';
import type { LogStore } from './log-store';
import { bodyText } from './ingest/body-text';
import { checkedIngestOf } from './ingest/checked-ingest';
import { recordsOf, type BodyOutcome } from './ingest/ingest-group';
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
  const checkedIngest = checkedIngestOf(options.store);
  route.post(
    '/ingest',
    internalAuth(options.internalSecret),
    bodyLimit({
      maxSize: MAX_INGEST_BYTES,
      onError: (c) => c.json({ error: `body over ${MAX_INGEST_BYTES} bytes` }, 413),
    }),
    async function ingest(c) {
      const body = bodyText(await c.req.arrayBuffer());
      if (checkedIngest !== null) {
        // Parsed and checked once, here: the store gets the records (as columns) and this
        // thread keeps them for the rollups and the answer. A refused body reaches no store.
        const checked = recordsOf(body);
        if (checked === null) return refusal(c, body);
        const stored = await checkedIngest.ingestChecked(checked);
        if (!stored.valid) throw new Error('ingest: the store refused records this thread checked');
        return answer(c, checked, stored, options);
      }
      // Other stores take the text; this thread parses and checks it meanwhile (the same code,
      // so the same verdict) for the rollups and the answer.
      const storing = options.store.ingestBody(body);
      const records = recordsOf(body);
      const outcome = await storing;
      if (!outcome.valid || records === null) {
        if (outcome.valid) throw new Error('ingest: the writer stored a body this thread refused');
        return refusal(c, body);
      }
      return answer(c, records, outcome, options);
    },
  );
  return route;
}

/** Hands the stored records (duplicates left out) to onStored and answers the counts. */
function answer(c: Context, records: readonly LogRecord[], outcome: BodyOutcome & { valid: true }, options: IngestRouteOptions): Response {
  const stored = outcome.stored === null ? records : outcome.stored.map((index) => records[index]!);
  if (stored.length > 0) options.onStored(stored);
  return c.json({ accepted: outcome.storedCount, duplicates: outcome.duplicates });
}

/** The 400 for a refused body: zod names the first bad field (the fast check only refuses). */
function refusal(c: Context, body: string): Response {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return c.json({ error: 'body is not valid JSON', path: '' }, 400);
  }
  const result = ingestBodySchema.safeParse(parsed);
  const issue = result.success ? { path: 'records', message: 'refused by the ingest check' } : firstIssue(result.error);
  return c.json({ error: `${issue.path || 'body'}: ${issue.message}`, path: issue.path }, 400);
}
