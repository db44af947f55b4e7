// A user reaches only their own data; the operator's queries answer from the log, the
// decisions, score history and incidents; day boundaries follow the user's time zone.
import { dialectOf } from './console-sql';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScoreTable } from '../../worker/core/types';
import { makeRecord } from '../test-support';
import { ADMIN_KEY, NOW, call, harness, invitedUser, signIn, signed, type Harness } from './test-harness';

let h: Harness;
afterEach(async () => h?.close());

async function setUp() {
  h = await harness();
  const admin = await signed(await signIn(h.app, { kind: 'admin', admin_key: ADMIN_KEY }));
  const alice = await invitedUser(h, admin, 'alice');
  await h.store.ingest([
    makeRecord({ request_id: 'a-1', user_id: 'alice', key_id: 'key-alice', ts_end: NOW - 60_000, ts_start: NOW - 61_000, price_usd: 0.5 }),
    makeRecord({ request_id: 'b-1', user_id: 'bob', key_id: 'key-bob', ts_end: NOW - 50_000, ts_start: NOW - 51_000, price_usd: 0.7 }),
  ]);
  return { admin, alice };
}

describe('privacy', () => {
  it('a user session sees only its own requests, usage, keys and ledger, whatever the query says', async () => {
    const { alice } = await setUp();
    const requests = (await (await call(h.app, alice, 'GET', '/api/me/requests?user=bob')).json()) as { rows: { request_id: string }[] };
    expect(requests.rows.map((row) => row.request_id)).toEqual(['a-1']);
    const usage = (await (await call(h.app, alice, 'GET', '/api/me/usage?by=key&user=bob')).json()) as { groups: { key: string }[] };
    expect(usage.groups.map((group) => group.key)).toEqual(['key-alice']);
    const csv = await (await call(h.app, alice, 'GET', '/api/me/requests/export?user=bob')).text();
    expect(csv).toContain('a-1');
    expect(csv).not.toContain('b-1');
    await call(h.app, alice, 'GET', '/api/me/keys?user=bob');
    await call(h.app, alice, 'GET', '/api/me/ledger?user=bob');
    await call(h.app, alice, 'PATCH', '/api/me/keys/key-bob', { name: 'mine now' });
    const workerPaths = h.calls.filter((entry) => entry.path.startsWith('/internal/')).map((entry) => entry.path);
    expect(workerPaths.every((path) => path.startsWith('/internal/users/alice'))).toBe(true);
  });

  it('a user session gets 403 from every operator and admin route, and cannot pass for an admin', async () => {
    const { alice } = await setUp();
    const before = h.calls.length;
    for (const path of ['/api/ops/overview', '/api/ops/log', '/api/ops/requests/b-1', '/api/ops/log/export', '/api/ops/economics', '/api/admin/users', '/api/admin/users/bob/ledger']) {
      expect((await call(h.app, alice, 'GET', path)).status, path).toBe(403);
    }
    expect((await call(h.app, alice, 'POST', '/api/admin/users/bob/credits', { amount_usd: 100 })).status).toBe(403);
    expect(h.calls.length).toBe(before);
    expect((await h.app.request('/stats')).status).not.toBe(200);
  });

  it('no session: 401 on every API route', async () => {
    await setUp();
    for (const path of ['/api/me', '/api/me/keys', '/api/ops/overview', '/api/admin/users', '/api/session']) {
      expect((await h.app.request(path)).status, path).toBe(401);
    }
  });
});

describe('operator queries', () => {
  it('the log pages by cursor with totals over the filtered set, and exports it', async () => {
    const { admin } = await setUp();
    const first = (await (await call(h.app, admin, 'GET', '/api/ops/log?limit=1')).json()) as { rows: { request_id: string }[]; next_cursor: string; totals: { attempts: number; revenue_usd: number } };
    expect(first.rows.map((row) => row.request_id)).toEqual(['b-1']);
    expect(first.totals).toMatchObject({ attempts: 2, revenue_usd: 1.2 });
    const second = (await (await call(h.app, admin, 'GET', `/api/ops/log?limit=1&cursor=${first.next_cursor}`)).json()) as { rows: { request_id: string }[]; next_cursor: null };
    expect(second.rows.map((row) => row.request_id)).toEqual(['a-1']);
    expect(second.next_cursor).toBeNull();
    const filtered = (await (await call(h.app, admin, 'GET', '/api/ops/log?user=alice')).json()) as { totals: { attempts: number } };
    expect(filtered.totals.attempts).toBe(1);
    const csv = await (await call(h.app, admin, 'GET', "/api/ops/log/export?format=csv&user=bob'%20OR%20'1'='1")).text();
    expect(csv.trim().split('\n')).toHaveLength(1);
  });

  it('a request shows its retry chain and the router decision', async () => {
    const { admin } = await setUp();
    if (dialectOf(h.store) === 'duckdb') await h.store.write!(`CREATE TABLE decisions (request_id VARCHAR, ts BIGINT, user_id VARCHAR, key_id VARCHAR, model VARCHAR, mode VARCHAR, rule VARCHAR, temperature DOUBLE, exploration DOUBLE, weights JSON, score_version BIGINT, total_candidates INTEGER, candidates JSON, plan JSON, reason VARCHAR)`);
    const candidates = [{ channel_id: 'acme-east', model: 'gpt-4o-mini', components: { margin: 0.5, ttft: 0.9, throughput: 0.8, reliability: 1, load: 0.1 }, utility: 0.8, probability: 0.7 }];
    await h.store.write!(`INSERT INTO decisions VALUES ('a-1', ${NOW - 61_000}, 'alice', 'key-alice', 'gpt-4o-mini', 'balanced', 'sample', 0.1, 0.05, '{"margin":1,"ttft":1,"throughput":1,"reliability":1}', 7, 1, '${JSON.stringify(candidates)}', '["acme-east"]', 'sampled p=.70')`);
    const detail = (await (await call(h.app, admin, 'GET', '/api/ops/requests/a-1')).json()) as { attempts: unknown[]; decision: { plan: string[]; candidates: unknown[]; reason: string } };
    expect(detail.attempts).toHaveLength(1);
    expect(detail.decision).toMatchObject({ plan: ['acme-east'], candidates, reason: 'sampled p=.70' });
    const explorer = (await (await call(h.app, admin, 'GET', '/api/ops/explorer?channel=acme-east')).json()) as { rows: { request_id: string; winner: string }[] };
    expect(explorer.rows).toMatchObject([{ request_id: 'a-1', winner: 'acme-east' }]);
    const channels = (await (await call(h.app, admin, 'GET', '/api/ops/channels')).json()) as { channels: { channel_id: string; components: unknown }[] };
    expect(channels.channels.find((row) => row.channel_id === 'acme-east')?.components).toEqual(candidates[0]!.components);
  });

  it('each recompute writes score history and incidents, and the live stream carries them', async () => {
    const { admin } = await setUp();
    const entry = { channel_id: 'acme-east', model: 'gpt-4o-mini', success_p: 0.95, ttft_p50_ms: 200, ttft_p95_ms: 400, tokens_per_s: 50, error_mix: { rate_limit: 0, server: 0, timeout: 0, connection: 0 }, samples: 20, last_ts: NOW, down: false };
    const table = (version: number, patch: Partial<typeof entry>): ScoreTable => ({ version, computed_at: NOW + version, window_s: 300, entries: [{ ...entry, ...patch }] });
    const stats = (streak: number) => [{ channel_id: 'acme-east', model: 'gpt-4o-mini', failure_streak: streak } as never];
    const live = await call(h.app, admin, 'GET', '/api/ops/live');
    const reader = live.body!.pipeThrough(new TextDecoderStream()).getReader();
    expect((await reader.read()).value).toContain('event: overview');
    await h.console.onRecompute(table(1, {}), stats(0));
    await h.console.onRecompute(table(2, { success_p: 0.6, down: true }), stats(4));
    await h.console.onRecompute(table(3, { success_p: 0.9 }), stats(0));
    let text = '';
    while (!(text.match(/event: incident/g)?.length === 4)) text += (await reader.read()).value;
    await reader.cancel();
    const incidents = (await (await call(h.app, admin, 'GET', '/api/ops/incidents')).json()) as { incidents: { kind: string }[] };
    const kinds = incidents.incidents.map((incident) => incident.kind);
    expect(kinds[0]).toBe('recovered');
    expect(kinds.slice(1).sort()).toEqual(['breaker_open', 'down', 'score_drop']);
    expect(await h.store.query('SELECT version::DOUBLE AS version, success_p, down FROM score_history ORDER BY version')).toEqual([
      { version: 1, success_p: 0.95, down: false }, { version: 2, success_p: 0.6, down: true }, { version: 3, success_p: 0.9, down: false },
    ]);
    expect(h.console.live.size).toBe(0);
  });
});

describe("the user's time zone", () => {
  it('counts a request at 23:30 local time for that local day, not the UTC one', async () => {
    h = await harness();
    const admin = await signed(await signIn(h.app, { kind: 'admin', admin_key: ADMIN_KEY }));
    const alice = await invitedUser(h, admin, 'alice');
    // 2026-11-19 23:30 in New York (UTC−5) is 2026-11-20 04:30 UTC.
    const lateEvening = Date.UTC(2026, 10, 20, 4, 30);
    await h.store.ingest([makeRecord({ request_id: 'late', user_id: 'alice', ts_start: lateEvening, ts_end: lateEvening + 1000, price_usd: 0.25 })]);
    const newYork = (await (await call(h.app, alice, 'GET', '/api/me/usage?by=day&tz=America/New_York')).json()) as { groups: { key: string; spend_usd: number }[] };
    expect(newYork.groups).toMatchObject([{ key: '2026-11-19', spend_usd: 0.25 }]);
    const utc = (await (await call(h.app, alice, 'GET', '/api/me/usage?by=day&tz=UTC')).json()) as { groups: { key: string }[] };
    expect(utc.groups).toMatchObject([{ key: '2026-11-20' }]);
    // NOW is 2026-11-20 07:00 in New York: the request was yesterday there, today in UTC.
    const overviewNy = (await (await call(h.app, alice, 'GET', '/api/me/overview?tz=America/New_York')).json()) as { spend_today_usd: number; spend_7d_usd: number };
    expect(overviewNy).toMatchObject({ spend_today_usd: 0, spend_7d_usd: 0.25 });
    const overviewUtc = (await (await call(h.app, alice, 'GET', '/api/me/overview?tz=UTC')).json()) as { spend_today_usd: number };
    expect(overviewUtc.spend_today_usd).toBe(0.25);
    expect((await call(h.app, alice, 'GET', '/api/me/overview?tz=Not/AZone')).status).toBe(400);
  });
});
