// `npm run admin -- …`: a small CLI over the worker's admin API (README "Admin API").
import { parseArgs } from 'node:util';
import fs from 'node:fs/promises';
import { runReconcile } from './reconcile';

const RESOURCES = ['users', 'groups', 'keys', 'channels', 'models'] as const;
type Resource = (typeof RESOURCES)[number];

const HELP = `usage: npm run admin -- COMMAND [ARGS] [--url URL] [--admin-key KEY]

  <resource> list [--user ID]          resource: users, groups, keys, channels, models
  <resource> get ID
  <resource> create JSON|@FILE         e.g. users create '{"id":"acme","balance_usd":10}'
  <resource> update ID JSON|@FILE      PATCH: only the fields given change
  <resource> delete ID                 users, channels, models: disable; keys: revoke; groups: delete
  credit USER AMOUNT_USD [--note TEXT] add credit (negative to correct)
  journal USER                         the user's balance changes (opening, credits, debits)
  config apply FILE                    apply a whole config document
  ledger [batches]                     D1 ledger summary, or the last applied batches
  admin-keys list                      named admin keys (name, scope, prefix, status; never the key)
  admin-keys create NAME --scope S     S: read-only (GETs), operator (all but admin keys and credential
                                       rotation), owner (all); the key is printed once
  admin-keys revoke ID                 final; the key stops working within seconds
  audit [--entity TYPE] [--id ID] [--actor NAME] [--since MS|ISO] [--limit N]
                                       the audit log of admin changes, newest first
  rotate-credentials                   seal every stored channel credential under the current key of
                                       CREDENTIALS_KEY (plaintext rows too); exit 1 if any does not open
  reconcile [--analytics-url URL] [--internal-secret S] [--wait S] [--json]
                                       Σ logged charge = Σ ledger = Σ balance change per user; exit 1 on mismatch

  A key's plaintext is printed once, by "keys create". Defaults: --url http://127.0.0.1:$SWITCHBOARD_PORT
  (8787), --admin-key $ADMIN_KEY (sb-admin-dev).`;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'reconcile') return runReconcile(argv.slice(1));
  if (argv[0] === 'rotate-credentials') return rotateCredentials(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { url: { type: 'string' }, 'admin-key': { type: 'string' }, user: { type: 'string' }, note: { type: 'string' }, help: { type: 'boolean', short: 'h' }, ...ADMIN_KEY_OPTIONS },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(HELP);
    return values.help ? 0 : 2;
  }
  const call = client(values.url ?? `http://127.0.0.1:${process.env.SWITCHBOARD_PORT ?? 8787}`, values['admin-key'] ?? process.env.ADMIN_KEY ?? 'sb-admin-dev');

  if ((RESOURCES as readonly string[]).includes(command)) {
    const resource = command as Resource;
    const [action, id, body] = rest;
    switch (action) {
      case 'list':
        return call('GET', `/admin/${resource}${values.user ? `?user=${encodeURIComponent(values.user)}` : ''}`);
      case 'get':
        return id ? call('GET', `/admin/${resource}/${encodeURIComponent(id)}`) : usage();
      case 'create':
        return id ? call('POST', `/admin/${resource}`, await jsonArgument(id)) : usage();
      case 'update':
        return id && body ? call('PATCH', `/admin/${resource}/${encodeURIComponent(id)}`, await jsonArgument(body)) : usage();
      case 'delete':
        return id ? call('DELETE', `/admin/${resource}/${encodeURIComponent(id)}`) : usage();
      default:
        return usage();
    }
  }
  switch (command) {
    case 'credit': {
      const [user, amount] = rest;
      if (!user || amount === undefined || !Number.isFinite(Number(amount))) return usage();
      return call('POST', `/admin/users/${encodeURIComponent(user)}/credits`, { amount_usd: Number(amount), ...(values.note ? { note: values.note } : {}) });
    }
    case 'journal':
      return rest[0] ? call('GET', `/admin/users/${encodeURIComponent(rest[0])}/ledger`) : usage();
    case 'config':
      return rest[0] === 'apply' && rest[1] ? call('POST', '/admin/config', await jsonArgument(`@${rest[1]}`)) : usage();
    case 'ledger':
      return call('GET', rest[0] === 'batches' ? '/admin/ledger/batches' : '/admin/ledger/summary');
    case 'admin-keys':
      return adminKeysCommand(call, rest, values);
    case 'audit':
      return call('GET', auditPath(values));
    default:
      return usage();
  }
}

/**
 * Rotation runs in the worker (only it holds the keys): POST /admin/channels/rotate-credentials.
 * The answer names channels and key ids, never a credential.
 */
async function rotateCredentials(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { url: { type: 'string' }, 'admin-key': { type: 'string' } } });
  const base = (values.url ?? `http://127.0.0.1:${process.env.SWITCHBOARD_PORT ?? 8787}`).replace(/\/+$/, '');
  const response = await fetch(`${base}/admin/channels/rotate-credentials`, {
    method: 'POST',
    headers: { authorization: `Bearer ${values['admin-key'] ?? process.env.ADMIN_KEY ?? 'sb-admin-dev'}` },
  });
  const text = await response.text();
  if (!response.ok) {
    console.error(`rotation failed (${response.status}): ${text}`);
    return 1;
  }
  const { rotated } = JSON.parse(text) as { rotated: { key_id: string; sealed_plaintext: number; rekeyed: number; unchanged: number; not_stored: number; failed: Array<{ channel: string; reason: string }> } };
  console.log(JSON.stringify(rotated, null, 2));
  for (const failure of rotated.failed) console.error(`channel ${failure.channel}: ${failure.reason} (left as it is; is its key still in CREDENTIALS_KEY?)`);
  return rotated.failed.length === 0 ? 0 : 1;
}

/** Options of the admin-keys and audit verbs. */
const ADMIN_KEY_OPTIONS = {
  scope: { type: 'string' },
  entity: { type: 'string' },
  id: { type: 'string' },
  actor: { type: 'string' },
  since: { type: 'string' },
  limit: { type: 'string' },
} as const;

type Call = (method: string, path: string, body?: unknown) => Promise<number>;

async function adminKeysCommand(call: Call, rest: string[], values: { scope?: string }): Promise<number> {
  const [action, argument] = rest;
  switch (action) {
    case 'list':
      return call('GET', '/admin/admin-keys');
    case 'create':
      return argument && values.scope ? call('POST', '/admin/admin-keys', { name: argument, scope: values.scope }) : usage();
    case 'revoke':
      return argument ? call('DELETE', `/admin/admin-keys/${encodeURIComponent(argument)}`) : usage();
    default:
      return usage();
  }
}

function auditPath(values: { entity?: string; id?: string; actor?: string; since?: string; limit?: string }): string {
  const query = new URLSearchParams();
  for (const name of ['entity', 'id', 'actor', 'since', 'limit'] as const) {
    const value = values[name];
    if (value !== undefined) query.set(name, value);
  }
  const text = query.toString();
  return text ? `/admin/audit?${text}` : '/admin/audit';
}

function usage(): number {
  console.error(HELP);
  return 2;
}

async function jsonArgument(text: string): Promise<unknown> {
  const source = text.startsWith('@') ? await fs.readFile(text.slice(1), 'utf8') : text;
  try {
    return JSON.parse(source);
  } catch {
    throw new Error(`not JSON: ${source.slice(0, 80)}`);
  }
}

function client(base: string, adminKey: string) {
  return async (method: string, path: string, body?: unknown): Promise<number> => {
    const response = await fetch(`${base.replace(/\/+$/, '')}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let printed = text;
    try {
      printed = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // Not JSON: print as is.
    }
    (response.ok ? console.log : console.error)(printed);
    return response.ok ? 0 : 1;
  };
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
