// GET /replay/attempts and GET /replay/scores (admin only): the logged attempts of a window
// and the score history, as NDJSON, for `npm run sim:routing -- --replay FROM..TO`
// (docs/routing-replay.md). Attempts stream page by page (keyset order), so a long window
// never sits in memory whole; the worker's internal secret is not enough, because a replay
// reads every user's traffic.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { unauthorized } from '../auth-errors';
import type { Reader } from '../read-auth';
import { firstIssue } from '../schemas';
import { attemptPage, logColumns, scoreHistory, type ReplayCursor, type ReplayQuerier } from './replay-queries';

const MAX_SPAN_MS = 7 * 86_400_000;
const epochMs = z.string().regex(/^\d{1,15}$/, 'expected epoch ms').transform(Number);
const windowSchema = z
  .object({ from: epochMs, to: epochMs })
  .refine((window) => window.from < window.to && window.to - window.from <= MAX_SPAN_MS, {
    message: 'from must be before to, at most 7 days apart',
    path: ['from'],
  });

export interface ReplayRoutesOptions {
  store: ReplayQuerier;
  identify(c: Context): Promise<Reader | null>;
}

export function replayRoutes(options: ReplayRoutesOptions): Hono {
  const route = new Hono();

  route.get('/replay/attempts', async (c) => {
    const reader = await options.identify(c);
    if (reader?.kind !== 'admin') return unauthorized(c, 'An admin credential is required.');
    const window = windowSchema.safeParse(c.req.query());
    if (!window.success) return invalid(c, window.error);
    const { from, to } = window.data;
    const columns = await logColumns(options.store);
    const encoder = new TextEncoder();
    let cursor: ReplayCursor | null = null;
    let done = false;
    const body = new ReadableStream<Uint8Array>({
      // One page per pull: the client's reading paces the queries.
      async pull(controller) {
        if (done) return controller.close();
        try {
          const page = await attemptPage(options.store, columns, from, to, cursor);
          if (page.rows.length > 0) controller.enqueue(encoder.encode(page.rows.map((row) => JSON.stringify(row)).join('\n') + '\n'));
          cursor = page.next;
          done = page.next === null;
        } catch (error) {
          console.error('analytics node: replay attempts failed', error);
          controller.error(error);
        }
      },
    });
    return new Response(body, { headers: { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' } });
  });

  route.get('/replay/scores', async (c) => {
    const reader = await options.identify(c);
    if (reader?.kind !== 'admin') return unauthorized(c, 'An admin credential is required.');
    const window = windowSchema.safeParse(c.req.query());
    if (!window.success) return invalid(c, window.error);
    const rows = await scoreHistory(options.store, window.data.from, window.data.to);
    const text = rows.map((row) => JSON.stringify(row)).join('\n');
    return new Response(text.length === 0 ? '' : `${text}\n`, {
      headers: { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' },
    });
  });

  return route;
}

function invalid(c: Context, error: z.ZodError): Response {
  const issue = firstIssue(error);
  return c.json({ error: `${issue.path || 'query'}: ${issue.message}`, path: issue.path }, 400);
}
