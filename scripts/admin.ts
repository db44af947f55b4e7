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
  reconcile [--analytics-url URL] [--internal-secret S] [--wait S] [--json]
                                       Σ logged charge = Σ ledger = Σ balance change per user; exit 1 on mismatch

  A key's plaintext is printed once, by "keys create". Defaults: --url http://127.0.0.1:$SWITCHBOARD_PORT
  (8787), --admin-key $ADMIN_KEY (sb-admin-dev).`;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'reconcile') return runReconcile(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { url: { type: 'string' }, 'admin-key': { type: 'string' }, user: { type: 'string' }, note: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
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
    default:
      return usage();
  }
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
