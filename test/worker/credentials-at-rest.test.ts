// Upstream credentials encrypted at rest (issue #12 part 1), through the admin API and a real
// client request: literals are sealed before they reach D1 (and refused without
// CREDENTIALS_KEY), opened only at call time, bound to their channel, and rotated.
import { env, SELF } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { credentialKeyring, parseKeyring } from '../../worker/secrets/keyring';
import { openCredential, sealCredential } from '../../worker/secrets/sealed-credential';

const ADMIN = { authorization: 'Bearer test-admin-key', 'content-type': 'application/json' };
const CLIENT_KEY = 'sk-credentials-test-key-1';
const SECRET = 'sk-upstream-at-rest-SECRET';
const ORIGIN = 'http://127.0.0.1:9';
const KEY_ONE = `k1:${btoa(String.fromCharCode(...Array.from({ length: 32 }, (_, index) => index + 1)))}`;
const KEY_TWO = `k2:${btoa(String.fromCharCode(...Array.from({ length: 32 }, (_, index) => 200 - index)))}`;
// Bindings are read per request, so each test sets the keys it means (and the pool's own
// CREDENTIALS_KEY, if any, comes back after each test).
const mutableEnv = env as unknown as Record<string, unknown>;
const poolKey = mutableEnv.CREDENTIALS_KEY;

const channel = (id: string, apiKey: string) => ({
  id,
  type: 'openai',
  base_url: `${ORIGIN}/${id}`,
  api_key: apiKey,
  models: [{ model: 'm-sealed', cost: { input_per_mtok: 0.5, output_per_mtok: 1 } }],
});
const config = (channels: unknown[]) => ({
  models: [{ id: 'm-sealed', price: { input_per_mtok: 1, output_per_mtok: 2 } }],
  channels,
  users: [{ id: 'u-sealed', balance_usd: 5 }],
  keys: [{ user: 'u-sealed', name: 'k', key: CLIENT_KEY }],
});

async function admin(method: string, path: string, body?: unknown) {
  const response = await SELF.fetch(`http://worker${path}`, { method, headers: ADMIN, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as any };
}

async function storedKey(id: string): Promise<string> {
  const row = await env.DB.prepare('SELECT api_key FROM channels WHERE id = ?').bind(id).first<{ api_key: string }>();
  return row?.api_key ?? '';
}

/** The upstream: answers only the right credential; records what each call carried. */
let sent: Array<{ url: string; authorization: string | null }> = [];
beforeEach(() => {
  sent = [];
  const real = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (!request.url.startsWith(ORIGIN)) return real(input, init);
    const authorization = request.headers.get('authorization');
    sent.push({ url: request.url, authorization });
    if (authorization !== `Bearer ${SECRET}`) {
      return Response.json({ error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }, { status: 401 });
    }
    return Response.json({
      id: 'c',
      object: 'chat.completion',
      created: 1,
      model: 'm-sealed',
      choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
    });
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  if (poolKey === undefined) delete mutableEnv.CREDENTIALS_KEY;
  else mutableEnv.CREDENTIALS_KEY = poolKey;
});

async function chat() {
  const response = await SELF.fetch('http://worker/v1/chat/completions', {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm-sealed', messages: [{ role: 'user', content: 'hello' }] }),
  });
  return { status: response.status, text: await response.text() };
}

describe('sealing (worker/secrets)', () => {
  it('round-trips, and fails closed for another channel, a tampered value or an unknown key id', async () => {
    const keyring = await credentialKeyring({ CREDENTIALS_KEY: KEY_ONE });
    if (!keyring.ok) throw new Error(keyring.error.message);
    const sealed = await sealCredential(keyring.value, 'c-a', SECRET);
    expect(sealed).toMatch(/^enc:v1:k1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(SECRET);
    expect(await sealCredential(keyring.value, 'c-a', SECRET)).not.toBe(sealed); // a fresh IV each time
    expect(await openCredential(keyring.value, 'c-a', sealed)).toEqual({ ok: true, value: SECRET });
    expect(await openCredential(keyring.value, 'c-b', sealed)).toEqual({ ok: false, error: 'does_not_open' });
    const tail = sealed.at(-2) === 'A' ? 'B' : 'A';
    expect(await openCredential(keyring.value, 'c-a', `${sealed.slice(0, -2)}${tail}${sealed.at(-1)}`)).toEqual({ ok: false, error: 'does_not_open' });
    expect(await openCredential(keyring.value, 'c-a', sealed.replace('enc:v1:k1:', 'enc:v1:k9:'))).toEqual({ ok: false, error: 'unknown_key_id' });
    expect(await openCredential(keyring.value, 'c-a', 'enc:v1:k1:nope')).toEqual({ ok: false, error: 'malformed' });
  });

  it('parses the binding: first key current, bare value is k0, bad entries named without the value', () => {
    const two = parseKeyring(`${KEY_TWO}, ${KEY_ONE}`);
    expect(two.ok && two.value.current).toBe('k2');
    expect(two.ok && [...two.value.keys.keys()]).toEqual(['k2', 'k1']);
    const bare = parseKeyring(KEY_ONE.slice(3));
    expect(bare.ok && bare.value.current).toBe('k0');
    const short = parseKeyring('k1:c2hvcnQ=');
    expect(short).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(JSON.stringify(short)).not.toContain('c2hvcnQ');
    expect(parseKeyring(`${KEY_ONE},${KEY_ONE}`)).toMatchObject({ ok: false });
  });
});

describe('credentials at rest through the admin API', () => {
  it('without CREDENTIALS_KEY a literal is refused (400 naming the field and the binding); env:NAME is stored', async () => {
    delete mutableEnv.CREDENTIALS_KEY;
    const refused = await admin('POST', '/admin/config', config([channel('c-env', 'env:SOME_KEY'), channel('c-literal', SECRET)]));
    expect(refused.status).toBe(400);
    expect(refused.json.error.param).toBe('channels[1].api_key');
    expect(refused.json.error.message).toContain('CREDENTIALS_KEY');
    expect(refused.text).not.toContain(SECRET);
    expect(await storedKey('c-env')).toBe(''); // nothing of the document was written
    expect((await admin('POST', '/admin/config', config([channel('c-env', 'env:SOME_KEY')]))).status).toBe(200);
    expect(await storedKey('c-env')).toBe('env:SOME_KEY');
    const created = await admin('POST', '/admin/channels', channel('c-new', SECRET));
    expect(created.status).toBe(400);
    expect(created.json.error.param).toBe('api_key');
    const patched = await admin('PATCH', '/admin/channels/c-env', { api_key: SECRET });
    expect(patched.status).toBe(400);
    expect(await storedKey('c-env')).toBe('env:SOME_KEY');
    expect((await admin('DELETE', '/admin/channels/c-env')).status).toBe(200); // keep it out of the next tests' routing
  });

  it('seals literals in D1, shows only how they are held, and opens them at call time', async () => {
    mutableEnv.CREDENTIALS_KEY = KEY_ONE;
    expect((await admin('POST', '/admin/config', config([channel('c-a', SECRET)]))).status).toBe(200);
    const stored = await storedKey('c-a');
    expect(stored).toMatch(/^enc:v1:k1:/);
    expect(stored).not.toContain(SECRET);
    const view = await admin('GET', '/admin/channels/c-a');
    expect(view.json.credential).toEqual({ storage: 'encrypted', key_id: 'k1' });
    expect(view.text).not.toContain(SECRET);
    expect(view.text).not.toContain(stored.split(':').at(-1));
    expect(view.text).not.toMatch(/"api_key"\s*:/);
    // Through the documented interfaces: POST and PATCH seal too; a sealed value cannot be written.
    expect((await admin('POST', '/admin/channels', { ...channel('c-b', SECRET), enabled: false })).status).toBe(201);
    expect(await storedKey('c-b')).toMatch(/^enc:v1:k1:/);
    expect((await admin('PATCH', '/admin/channels/c-b', { api_key: `${SECRET}-2` })).status).toBe(200);
    expect(await storedKey('c-b')).toMatch(/^enc:v1:k1:/);
    const smuggled = await admin('PATCH', '/admin/channels/c-b', { api_key: stored });
    expect(smuggled.status).toBe(400);

    const answer = await chat();
    expect(answer.status).toBe(200);
    expect(sent.map((call) => call.authorization)).toEqual([`Bearer ${SECRET}`]);
    expect(answer.text).not.toContain(SECRET);
  });

  it('fails closed as a channel problem: unknown key id, tampered value, value moved from another channel', async () => {
    mutableEnv.CREDENTIALS_KEY = KEY_ONE;
    expect((await admin('POST', '/admin/config', config([channel('c-a', SECRET)]))).status).toBe(200);
    const stored = await storedKey('c-a');

    mutableEnv.CREDENTIALS_KEY = KEY_TWO; // k1 is gone
    const unknownKey = await chat();
    expect(unknownKey.status).toBe(502);
    expect(JSON.parse(unknownKey.text).error.message).toMatch(/channel/);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((call) => /^Bearer\s*$/.test(call.authorization ?? ''))).toBe(true);

    mutableEnv.CREDENTIALS_KEY = KEY_ONE;
    const tail = stored.at(-3) === 'A' ? 'B' : 'A';
    await env.DB.prepare('UPDATE channels SET api_key = ? WHERE id = ?').bind(`${stored.slice(0, -3)}${tail}${stored.slice(-2)}`, 'c-a').run();
    await admin('PATCH', '/admin/channels/c-a', { weight: 1 }); // an admin change: the catalog is re-read
    sent = [];
    expect((await chat()).status).toBe(502);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((call) => /^Bearer\s*$/.test(call.authorization ?? ''))).toBe(true);

    // c-b's own sealed value, copied into c-a's row: bound to c-b, it does not open for c-a.
    expect((await admin('POST', '/admin/config', config([channel('c-a', SECRET), { ...channel('c-b', SECRET), enabled: false }]))).status).toBe(200);
    await env.DB.prepare('UPDATE channels SET api_key = (SELECT api_key FROM channels WHERE id = ?) WHERE id = ?').bind('c-b', 'c-a').run();
    await admin('PATCH', '/admin/channels/c-a', { weight: 1 });
    sent = [];
    expect((await chat()).status).toBe(502);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((call) => /^Bearer\s*$/.test(call.authorization ?? ''))).toBe(true);
  });

  it('rotation re-keys every row and seals plaintext ones, idempotently; config apply seals plaintext rows too', async () => {
    mutableEnv.CREDENTIALS_KEY = KEY_ONE;
    expect((await admin('POST', '/admin/config', config([channel('c-a', SECRET), { ...channel('c-env', 'env:SOME_KEY'), enabled: false }]))).status).toBe(200);
    // A row from before encryption existed.
    await env.DB.prepare("INSERT INTO channels (id, type, base_url, api_key, enabled) VALUES ('c-old', 'openai', ?, ?, 0)").bind(`${ORIGIN}/c-old`, 'sk-legacy-plaintext').run();

    mutableEnv.CREDENTIALS_KEY = `${KEY_TWO},${KEY_ONE}`;
    const first = await admin('POST', '/admin/channels/rotate-credentials');
    expect(first.status).toBe(200);
    expect(first.json.rotated).toMatchObject({ key_id: 'k2', sealed_plaintext: 1, failed: [] });
    expect(first.json.rotated.rekeyed).toBeGreaterThanOrEqual(1);
    const rows = await env.DB.prepare('SELECT api_key FROM channels').all<{ api_key: string }>();
    expect(rows.results.filter((row) => !/^(env:|enc:v1:k2:)/.test(row.api_key))).toEqual([]);
    expect(first.text).not.toContain('sk-legacy-plaintext');
    expect(await storedKey('c-a')).toMatch(/^enc:v1:k2:/);
    expect(await storedKey('c-old')).toMatch(/^enc:v1:k2:/);
    expect(await storedKey('c-env')).toBe('env:SOME_KEY');
    const again = await admin('POST', '/admin/channels/rotate-credentials');
    expect(again.json.rotated).toMatchObject({ key_id: 'k2', rekeyed: 0, sealed_plaintext: 0, failed: [] });

    mutableEnv.CREDENTIALS_KEY = KEY_TWO; // the old key retired
    expect((await chat()).status).toBe(200);
    expect(sent.at(-1)?.authorization).toBe(`Bearer ${SECRET}`);

    await env.DB.prepare("UPDATE channels SET api_key = 'sk-legacy-again' WHERE id = 'c-old'").run();
    const applied = await admin('POST', '/admin/config', config([channel('c-a', SECRET)]));
    expect(applied.json.applied.sealed_plaintext).toBe(1);
    expect(await storedKey('c-old')).toMatch(/^enc:v1:k2:/);

    // A value it cannot open (another format version) is reported and left alone, never re-sealed as a credential.
    await env.DB.prepare("INSERT INTO channels (id, type, base_url, api_key, enabled) VALUES ('c-future', 'openai', ?, 'enc:v9:zz:abc', 0)").bind(`${ORIGIN}/c-future`).run();
    const partial = await admin('POST', '/admin/channels/rotate-credentials');
    expect(partial.json.rotated.failed).toEqual([{ channel: 'c-future', reason: 'malformed' }]);
    expect(await storedKey('c-future')).toBe('enc:v9:zz:abc');
    expect((await admin('GET', '/admin/channels/c-future')).json.credential).toEqual({ storage: 'encrypted', key_id: '' });

    delete mutableEnv.CREDENTIALS_KEY;
    expect((await admin('POST', '/admin/channels/rotate-credentials')).status).toBe(409);
  });
});
