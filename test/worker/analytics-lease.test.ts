// The analytics nodes' lease and its fencing inside the Workers runtime: POST
// /internal/analytics-lease acquires, renews, refuses and hands over; score pushes and ledger
// batches sent under a term that is no longer current are refused (409) and change nothing.
import { env, SELF } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { applyLedgerBatch } from '../../worker/accounts/ledger-apply';
import { ScoreStore } from '../../worker/scores/score-store';

const INTERNAL = { authorization: 'Bearer test-internal-secret', 'content-type': 'application/json' };
const ADMIN = { authorization: 'Bearer test-admin-key', 'content-type': 'application/json' };

async function post(path: string, body: unknown, headers: Record<string, string> = INTERNAL) {
  const response = await SELF.fetch(`http://worker${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as any) : null };
}

const lease = (node_id: string, ttl_s = 15) => post('/internal/analytics-lease', { node_id, ttl_s });
const termed = (term: number | string) => ({ ...INTERNAL, 'x-switchboard-lease-term': String(term) });
const table = (version: number) => ({ version, computed_at: 1, window_s: 300, entries: [] });
/** Past any table an earlier test left in this isolate's memory. */
const V = 1e13;

async function balance(user: string): Promise<number> {
  return (await env.DB.prepare('SELECT balance_nanousd AS b FROM users WHERE id = ?').bind(user).first<{ b: number }>())!.b;
}

beforeEach(async () => {
  // Whether or not the pool isolates storage per test, every test starts with no lease.
  await env.DB.prepare('DELETE FROM analytics_lease').run();
  await env.DB.prepare('DELETE FROM score_tables').run();
});

describe('POST /internal/analytics-lease', () => {
  it('refuses a missing or wrong secret', async () => {
    expect((await post('/internal/analytics-lease', { node_id: 'a', ttl_s: 15 }, { 'content-type': 'application/json' })).status).toBe(401);
    expect((await post('/internal/analytics-lease', { node_id: 'a', ttl_s: 15 }, { ...INTERNAL, authorization: 'Bearer test-admin-key' })).status).toBe(401);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM analytics_lease').first('n')).toBe(0);
  });

  it('refuses hostile bodies with a 400 naming the field (or a 413), taking no lease', async () => {
    for (const [body, param] of [
      ['{"node_id":', undefined],
      ['[]', undefined],
      [{ node_id: "a'; DROP TABLE analytics_lease; --", ttl_s: 15 }, 'node_id'],
      [{ node_id: 'a', ttl_s: -1 }, 'ttl_s'],
      [{ node_id: 'a', ttl_s: 1e12 }, 'ttl_s'],
      [{ node_id: 'a', ttl_s: 15, term: 7 }, undefined],
    ] as const) {
      const answer = await post('/internal/analytics-lease', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      if (param) expect(answer.json.error.param).toBe(param);
    }
    expect((await post('/internal/analytics-lease', `{"node_id":"${'x'.repeat(8 * 1024)}","ttl_s":15}`)).status).toBe(413);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM analytics_lease').first('n')).toBe(0);
  });

  it('acquires, renews, refuses another node, and hands over after expiry with the next term', async () => {
    const first = await lease('node-a', 1);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ leader: true, holder: 'node-a', term: 1, change: 'acquired', score_version: 0 });
    const renewed = await lease('node-a', 1);
    expect(renewed.json).toMatchObject({ leader: true, term: 1, change: 'renewed' });
    expect(renewed.json.expires_at).toBeGreaterThanOrEqual(first.json.expires_at);
    const refused = await lease('node-b', 1);
    expect(refused.json).toMatchObject({ leader: false, holder: 'node-a', term: 1, change: 'refused' });

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, renewed.json.expires_at - Date.now()) + 50));
    const taken = await lease('node-b', 15);
    expect(taken.json).toMatchObject({ leader: true, holder: 'node-b', term: 2, change: 'taken_over' });
    expect((await lease('node-a', 15)).json).toMatchObject({ leader: false, holder: 'node-b', term: 2 });
  });

  it('gives the lease to exactly one of two nodes asking at once', async () => {
    const answers = await Promise.all(['node-a', 'node-b', 'node-c', 'node-d'].map((node) => lease(node)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    const leaders = answers.filter((answer) => answer.json.leader);
    expect(leaders).toHaveLength(1);
    for (const answer of answers) expect(answer.json).toMatchObject({ holder: leaders[0]!.json.holder, term: 1 });
  });

  it('tells the leader the newest score version the worker holds', async () => {
    expect((await post('/internal/scores', table(1_234_567))).status).toBe(200);
    expect((await lease('node-a')).json.score_version).toBe(1_234_567);
  });
});

describe('fencing', () => {
  it('takes score pushes from the current term only; without a term only while no lease is held', async () => {
    expect((await post('/internal/scores', table(V + 10))).json).toEqual({ accepted: true, version: V + 10 });
    await lease('node-a');
    expect((await post('/internal/scores', table(V + 11))).status).toBe(409);
    expect((await post('/internal/scores', table(V + 12), termed(2))).status).toBe(409);
    expect((await post('/internal/scores', table(V + 13), termed('1; drop'))).status).toBe(400);
    const current = await post('/internal/scores', table(V + 14), termed(1));
    expect(current.json).toEqual({ accepted: true, version: V + 14 });

    // node-b takes over (the lease made to look expired): term 1 is now refused.
    await env.DB.prepare('UPDATE analytics_lease SET expires_at = 0').run();
    expect((await lease('node-b')).json).toMatchObject({ leader: true, term: 2 });
    const stale = await post('/internal/scores', table(V + 99), termed(1));
    expect(stale.status).toBe(409);
    expect(stale.json.error.param).toBe('x-switchboard-lease-term');
    expect(await env.DB.prepare('SELECT version FROM score_tables').first('version')).toBe(V + 14);
    expect((await post('/internal/scores', table(V + 15), termed(2))).json).toEqual({ accepted: true, version: V + 15 });
  });

  it('refuses a ledger batch from a stale term, and the transaction itself refuses it too', async () => {
    const applied = await post('/admin/config', { users: [{ id: 'lu1', balance_usd: 5 }] }, ADMIN);
    expect(applied.status).toBe(200);
    const start = await balance('lu1');
    await lease('node-a');
    await env.DB.prepare('UPDATE analytics_lease SET expires_at = 0').run();
    await lease('node-b');
    const batch = (id: string) => ({ batch_id: id, up_to_ts: 1, debits: [{ user_id: 'lu1', amount_nanousd: 1_000, request_ids: [`r-${id}`] }] });

    expect((await post('/internal/ledger', batch('fenced-1'), termed(1))).status).toBe(409);
    expect((await post('/internal/ledger', batch('fenced-2'))).status).toBe(409);
    // Past the route's check (as if the lease changed hands after it): the D1 transaction refuses.
    const direct = await applyLedgerBatch(env, batch('fenced-3'), Date.now(), { term: 1 });
    expect(direct).toEqual({ ok: false, reason: 'stale_term', users: [] });
    expect(await balance('lu1')).toBe(start);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM ledger_batches WHERE id LIKE 'fenced-%'").first('n')).toBe(0);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM balance_entries WHERE reference LIKE 'fenced-%'").first('n')).toBe(0);

    const current = await post('/internal/ledger', batch('fenced-4'), termed(2));
    expect(current.status).toBe(200);
    expect(current.json).toMatchObject({ ok: true, applied: true });
    expect(await balance('lu1')).toBe(start - 1_000);
  });
});

describe('score versions', () => {
  it('an isolate keeps the newest table D1 holds, not an older one it was handed later', async () => {
    const first = new ScoreStore(1_000);
    const second = new ScoreStore(1_000);
    expect(await first.save(env.DB, table(20), Date.now())).toBe(true);
    expect(await second.save(env.DB, table(19), Date.now())).toBe(false);
    expect((await second.get(env.DB, Date.now())).table?.version).toBe(20);
  });
});
