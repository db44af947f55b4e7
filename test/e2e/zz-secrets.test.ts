// No credential leaks: client API keys and upstream credentials never appear in the analytics
// store (DuckDB, or ClickHouse's chdb folder when the stack runs with ANALYTICS_STORE=chdb), in
// D1 (upstream credentials are sealed with CREDENTIALS_KEY there: not even the `channels`
// table or the WAL holds one), in the durable objects' storage, in any response of the worker
// or the analytics node, in the worker's output or in the admin CLI's. Named zz- so that,
// where files run in name order, it runs after the others and searches what they left; it
// also drives its own traffic on every route first, because vitest's default sequencer orders
// files by size and past duration, not by name.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyLiveFolder, scanChdbText } from '../../analytics-node/store/chdb-text-scan';
import { flushLogs, MAIN_KEY, stack, waitFor } from './helpers';

interface Secret {
  label: string;
  value: string;
  kind: 'client-key' | 'upstream';
}

const config = JSON.parse(await fs.readFile(path.join(import.meta.dirname, 'config.json'), 'utf8')) as {
  keys: Array<{ key: string; name: string }>;
  channels: Array<{ id: string; api_key: string }>;
};
const ENV_CREDENTIAL = 'sk-upstream-b-from-env-SECRET';

const secrets: Secret[] = [
  ...config.keys.map((key) => ({ label: `client key "${key.name}"`, value: key.key, kind: 'client-key' as const })),
  ...config.channels
    .filter((channel) => !channel.api_key.startsWith('env:'))
    .map((channel) => ({ label: `credential of channel ${channel.id}`, value: channel.api_key, kind: 'upstream' as const })),
  { label: 'credential of ch-b from the environment', value: ENV_CREDENTIAL, kind: 'upstream' },
];

/** Every response the worker and the analytics node gave in this file, for the response check. */
const responses: Array<{ what: string; text: string }> = [];

async function call(what: string, url: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, init);
  const text = await response.text();
  const headers = [...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n');
  responses.push({ what: `${what} → ${response.status}`, text: `${headers}\n\n${text}` });
  return new Response(text, { status: response.status, headers: response.headers });
}

function findings(haystack: string, only: (secret: Secret) => boolean = () => true): string[] {
  return secrets.filter((secret) => only(secret) && haystack.includes(secret.value)).map((secret) => secret.label);
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await fs.readdir(folder, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

/** Raw bytes: catches what sits in free pages, WALs and journals as well as live rows. */
async function rawFindings(folder: string, only: (secret: Secret) => boolean): Promise<string[]> {
  const found: string[] = [];
  for (const file of await filesUnder(folder)) {
    const content = await fs.readFile(file);
    for (const secret of secrets) {
      if (only(secret) && content.includes(Buffer.from(secret.value))) found.push(`${secret.label} in ${path.relative(stack().dataDir, file)}`);
    }
  }
  return found;
}

let scratch = '';
/** What the admin CLI printed while rotating the credentials (scanned with the rest). */
let rotationOutput = { stdout: '', stderr: '' };

describe('secrets stay secret', () => {
  beforeAll(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-secrets-'));
    const { workerUrl, adminKey } = stack();
    const auth = { authorization: `Bearer ${MAIN_KEY}`, 'content-type': 'application/json' };
    const hi = [{ role: 'user', content: 'secret test' }];
    const gemini = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'secret test' }] }] });
    // Traffic on every route and channel family, streaming and not, with errors.
    for (const stream of [false, true]) {
      await call('chat', `${workerUrl}/v1/chat/completions`, { method: 'POST', headers: { ...auth, 'x-switchboard-debug': '1' }, body: JSON.stringify({ model: 'gpt-test', stream, messages: hi }) });
      await call('messages', `${workerUrl}/v1/messages`, { method: 'POST', headers: auth, body: JSON.stringify({ model: 'm-anthropic', max_tokens: 16, stream, messages: hi }) });
      await call('gemini', `${workerUrl}/v1beta/models/m-gemini:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`, { method: 'POST', headers: auth, body: gemini });
      await call('cross-dialect', `${workerUrl}/v1/messages`, { method: 'POST', headers: auth, body: JSON.stringify({ model: 'gpt-test', max_tokens: 16, stream, messages: hi }) });
    }
    await call('embeddings', `${workerUrl}/v1/embeddings`, { method: 'POST', headers: auth, body: JSON.stringify({ model: 'embed-test', input: 'secret test' }) });
    await call('upstream 400', `${workerUrl}/v1/chat/completions`, { method: 'POST', headers: auth, body: JSON.stringify({ model: 'm-client-error', messages: hi }) });
    await call('all channels fail', `${workerUrl}/v1/chat/completions`, { method: 'POST', headers: auth, body: JSON.stringify({ model: 'm-all-fail', messages: hi }) });
    await call('x-api-key', `${workerUrl}/v1/messages`, { method: 'POST', headers: { 'x-api-key': MAIN_KEY, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm-anthropic', max_tokens: 16, messages: hi }) });
    await call('?key=', `${workerUrl}/v1beta/models/m-gemini:generateContent?key=${MAIN_KEY}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: gemini });
    // A near-miss key must not be echoed either (it is one character off a real key).
    await call('wrong key', `${workerUrl}/v1/chat/completions`, { method: 'POST', headers: { ...auth, authorization: `Bearer ${MAIN_KEY}x` }, body: JSON.stringify({ model: 'gpt-test', messages: hi }) });
    await call('bad body', `${workerUrl}/v1/chat/completions`, { method: 'POST', headers: auth, body: `{"model":"gpt-test","api_key":"${MAIN_KEY}",` });
    // A key created at run time: the plaintext is in the creation answer only, then revoked.
    const admin = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
    const created = await fetch(`${workerUrl}/admin/keys`, { method: 'POST', headers: admin, body: JSON.stringify({ user: 'e2e-user', name: 'secrets-probe' }) });
    expect(created.status).toBe(201);
    const probe = (await created.json()) as { id: string; key: string };
    secrets.push({ label: 'key created through the admin API', value: probe.key, kind: 'client-key' });
    const probeAuth = { ...auth, authorization: `Bearer ${probe.key}` };
    await call('chat with the created key', `${workerUrl}/v1/chat/completions`, { method: 'POST', headers: probeAuth, body: JSON.stringify({ model: 'gpt-test', messages: hi }) });
    await call('revoke', `${workerUrl}/admin/keys/${probe.id}`, { method: 'DELETE', headers: admin });
    await call('revoked key', `${workerUrl}/v1/chat/completions`, { method: 'POST', headers: probeAuth, body: JSON.stringify({ model: 'gpt-test', messages: hi }) });
    // A channel credential written through the admin API at run time (sealed like the config's).
    const runtimeCredential = 'sk-upstream-runtime-SECRET';
    secrets.push({ label: 'credential of a channel created through the admin API', value: runtimeCredential, kind: 'upstream' });
    const createdChannel = await call('create channel', `${workerUrl}/admin/channels`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ id: 'ch-secrets-probe', type: 'openai', base_url: 'http://127.0.0.1:9/probe', api_key: runtimeCredential, enabled: false, models: [{ model: 'gpt-test', cost: { input_per_mtok: 1, output_per_mtok: 1 } }] }),
    });
    expect(createdChannel.status).toBe(201);
    // A channel whose env:NAME binding is missing: the worker logs that (naming the channel,
    // never a value), which proves its output is captured for the scan below.
    await call('create model', `${workerUrl}/admin/models`, { method: 'POST', headers: admin, body: JSON.stringify({ id: 'm-secrets-probe', price: { input_per_mtok: 1, output_per_mtok: 1 } }) });
    await call('create env channel', `${workerUrl}/admin/channels`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ id: 'ch-secrets-unbound', type: 'openai', base_url: 'http://127.0.0.1:9/unbound', api_key: 'env:E2E_UNBOUND_KEY', models: [{ model: 'm-secrets-probe', cost: { input_per_mtok: 1, output_per_mtok: 1 } }] }),
    });
    await call('chat on the unbound channel', `${workerUrl}/v1/chat/completions`, { method: 'POST', headers: auth, body: JSON.stringify({ model: 'm-secrets-probe', messages: hi }) });
    await call('disable the unbound channel', `${workerUrl}/admin/channels/ch-secrets-unbound`, { method: 'DELETE', headers: admin });
    // `npm run admin -- rotate-credentials`: the CLI asks the worker, the only holder of the key.
    const cli = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '../../scripts/admin.ts'), 'rotate-credentials', '--url', workerUrl, '--admin-key', adminKey]);
    rotationOutput = { stdout: cli.stdout, stderr: cli.stderr };
    expect(JSON.parse(cli.stdout)).toMatchObject({ failed: [], sealed_plaintext: 0 });
    // Let the log records land.
    await flushLogs();
    const { analyticsUrl } = stack();
    let last = -1;
    await waitFor(async () => {
      const rows = ((await (await fetch(`${analyticsUrl}/health`)).json()) as { rows: number }).rows;
      const settled = rows === last;
      last = rows;
      return settled;
    }, 10_000, 300);
  });

  afterAll(async () => {
    if (scratch) await fs.rm(scratch, { recursive: true, force: true });
  });

  it('no admin or list endpoint answers with a credential', async () => {
    const { workerUrl, analyticsUrl, adminKey, internalSecret } = stack();
    const admin = { authorization: `Bearer ${adminKey}` };
    const client = { authorization: `Bearer ${MAIN_KEY}` };
    const internal = { authorization: `Bearer ${internalSecret}` };
    const reads: Array<[string, string, Record<string, string>]> = [
      ['admin users', `${workerUrl}/admin/users`, admin],
      ['admin user', `${workerUrl}/admin/users/e2e-user`, admin],
      ['admin user ledger', `${workerUrl}/admin/users/e2e-user/ledger`, admin],
      ['admin groups', `${workerUrl}/admin/groups`, admin],
      ['admin keys', `${workerUrl}/admin/keys`, admin],
      ['admin keys of a user', `${workerUrl}/admin/keys?user=e2e-user`, admin],
      ['admin channels', `${workerUrl}/admin/channels`, admin],
      ['admin channel ch-a', `${workerUrl}/admin/channels/ch-a`, admin],
      ['admin channel ch-b (env credential)', `${workerUrl}/admin/channels/ch-b`, admin],
      ['admin models', `${workerUrl}/admin/models`, admin],
      ['admin ledger summary', `${workerUrl}/admin/ledger/summary`, admin],
      ['admin ledger batches', `${workerUrl}/admin/ledger/batches`, admin],
      ['client models', `${workerUrl}/v1/models`, client],
      ['client key', `${workerUrl}/v1/key`, client],
      ['client usage', `${workerUrl}/v1/usage`, client],
      ['worker internal health', `${workerUrl}/internal/health`, internal],
      ['analytics stats', `${analyticsUrl}/stats?window=3600`, admin],
      ['analytics scores', `${analyticsUrl}/scores`, admin],
      ['analytics health', `${analyticsUrl}/health`, {}],
      ['analytics usage', `${analyticsUrl}/usage`, internal],
      ['analytics ledger summary', `${analyticsUrl}/ledger/summary`, internal],
      ['console page', `${analyticsUrl}/`, admin],
    ];
    for (const [what, url, headers] of reads) {
      const response = await call(what, url, { headers });
      expect(response.status, what).toBeLessThan(500);
    }
    const keys = await call('admin keys (shape)', `${workerUrl}/admin/keys`, { headers: admin });
    expect(await keys.text()).not.toMatch(/"(key|hash)"\s*:/);
    const channels = (await (await call('admin channels (shape)', `${workerUrl}/admin/channels`, { headers: admin })).json()) as { data: Array<{ id: string; credential: unknown }> };
    expect(JSON.stringify(channels)).not.toMatch(/"api_key"\s*:/);
    // Only how each credential is held: sealed under a key id, or the name of a binding.
    expect(channels.data.find((channel) => channel.id === 'ch-a')?.credential).toMatchObject({ storage: 'encrypted' });
    expect(channels.data.find((channel) => channel.id === 'ch-b')?.credential).toEqual({ storage: 'env', name: 'E2E_CHANNEL_B_KEY' });
  });

  it("the worker's output and the admin CLI's hold no credential", async () => {
    const file = path.join(stack().dataDir, 'worker-output.log');
    const output = await waitFor(async () => {
      const text = await fs.readFile(file, 'utf8');
      return text.includes('ch-secrets-unbound') ? text : null;
    }, 5_000);
    const leaks = [...findings(output).map((label) => `${label} in the worker's output`), ...findings(`${rotationOutput.stdout}\n${rotationOutput.stderr}`).map((label) => `${label} in the CLI's output`)];
    expect(leaks).toEqual([]);
  });

  it('no response of the worker or the analytics node contains a credential', () => {
    expect(responses.length).toBeGreaterThan(30);
    const leaks = responses.flatMap((response) => findings(response.text).map((label) => `${label} in ${response.what}`));
    expect(leaks).toEqual([]);
  });

  it('the analytics store holds no credential (every text column, and the raw files: DuckDB with its WAL, or the chdb folder)', async () => {
    const store = stack().analyticsStore;
    if (store.kind === 'chdb') {
      expect(await chdbFindings(store.path)).toEqual({ raw: [], columns: [] });
      return;
    }
    const source = store.path;
    const copy = path.join(scratch, 'analytics.duckdb');
    await fs.copyFile(source, copy);
    await fs.copyFile(`${source}.wal`, `${copy}.wal`).catch(() => undefined);
    expect(await rawFindings(scratch, () => true)).toEqual([]);

    const instance = await DuckDBInstance.create(copy);
    const connection = await instance.connect();
    try {
      const columns = (
        await connection.runAndReadAll(
          "SELECT table_schema, table_name, column_name FROM information_schema.columns WHERE data_type LIKE 'VARCHAR%' OR data_type = 'JSON'",
        )
      ).getRowObjectsJson() as Array<{ table_schema: string; table_name: string; column_name: string }>;
      expect(columns.length).toBeGreaterThan(0);
      const rows = Number((await connection.runAndReadAll('SELECT count(*)::DOUBLE AS n FROM log')).getRowObjectsJson()[0]?.n);
      expect(rows).toBeGreaterThan(0);
      const leaks: string[] = [];
      for (const column of columns) {
        for (const secret of secrets) {
          const found = await connection.runAndReadAll(
            `SELECT count(*)::DOUBLE AS n FROM "${column.table_schema}"."${column.table_name}" WHERE strpos("${column.column_name}", $1) > 0`,
            [secret.value],
          );
          if (Number(found.getRowObjectsJson()[0]?.n) > 0) leaks.push(`${secret.label} in ${column.table_name}.${column.column_name}`);
        }
      }
      expect(leaks).toEqual([]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('D1 holds no credential anywhere: upstream credentials are sealed, client keys hashed', async () => {
    const d1 = path.join(scratch, 'd1');
    await fs.cp(path.join(stack().dataDir, 'd1'), d1, { recursive: true });
    // Raw bytes of every D1 file, WAL included: no client key and no upstream credential (the
    // channels table holds `enc:v1:…` for literals and `env:NAME` for references).
    expect(await rawFindings(d1, () => true)).toEqual([]);

    const reader = new Miniflare({
      modules: true,
      script: 'export default { fetch() { return new Response(null, { status: 204 }); } };',
      compatibilityDate: '2026-04-20',
      d1Databases: { DB: 'switchboard-local' },
      d1Persist: d1,
    });
    try {
      const db = await reader.getD1Database('DB');
      const tables = (await db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").all<{ name: string }>()).results.map((row) => row.name);
      expect(tables).toContain('api_keys');
      expect(tables).toContain('channels');
      const leaks: string[] = [];
      for (const table of tables) {
        const { results } = await db.prepare(`SELECT * FROM "${table}"`).all();
        leaks.push(...findings(JSON.stringify(results)).map((label) => `${label} in ${table}`));
      }
      expect(leaks).toEqual([]);
      const stored = new Map((await db.prepare('SELECT id, api_key FROM channels').all<{ id: string; api_key: string }>()).results.map((row) => [row.id, row.api_key]));
      expect(stored.get('ch-b')).toBe('env:E2E_CHANNEL_B_KEY');
      for (const channel of [...config.channels.filter((entry) => !entry.api_key.startsWith('env:')), { id: 'ch-secrets-probe' }]) {
        expect(stored.get(channel.id), channel.id).toMatch(/^enc:v1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22,}$/);
      }
      // Nor did any answer carry a ciphertext (the credential is write-only in every form).
      const ciphertexts = [...stored.values()].filter((value) => value.startsWith('enc:')).map((value) => value.split(':').at(-1) ?? '');
      expect(responses.filter((response) => ciphertexts.some((ciphertext) => response.text.includes(ciphertext))).map((response) => response.what)).toEqual([]);
    } finally {
      await reader.dispose();
    }
  });

  it("the durable objects' storage holds no credential", async () => {
    expect(await rawFindings(path.join(stack().dataDir, 'durable-objects'), () => true)).toEqual([]);
  });
});

/**
 * The chdb folder, copied while the node runs: its raw files, then every String column of
 * every table through chdb itself, because ClickHouse compresses column files (LZ4), where a
 * raw scan can miss a value.
 */
async function chdbFindings(folder: string): Promise<{ raw: string[]; columns: string[] }> {
  const copy = path.join(scratch, 'analytics.chdb');
  await copyLiveFolder(folder, copy);
  const raw = await rawFindings(copy, () => true);
  const scan = await scanChdbText(copy, secrets);
  expect(scan.logRows).toBeGreaterThan(0);
  return { raw, columns: scan.findings };
}
