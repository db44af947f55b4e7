// `npm run config:apply -- FILE`: validate a config file and apply it to a running stack.
// Options: --url (default http://127.0.0.1:$SWITCHBOARD_PORT), --admin-key (default $ADMIN_KEY).
import { parseArgs } from 'node:util';
import { loadConfigFile } from './config-file';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { url: { type: 'string' }, 'admin-key': { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help || positionals.length !== 1) {
    console.log('usage: npm run config:apply -- FILE [--url http://127.0.0.1:8787] [--admin-key KEY]');
    process.exit(values.help ? 0 : 2);
  }
  const config = await loadConfigFile(positionals[0]!);
  const url = values.url ?? `http://127.0.0.1:${process.env.SWITCHBOARD_PORT ?? 8787}`;
  const adminKey = values['admin-key'] ?? process.env.ADMIN_KEY ?? 'sb-admin-dev';
  const response = await fetch(`${url}/admin/config`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(config),
  });
  const text = await response.text();
  if (!response.ok) {
    console.error(`apply failed (${response.status}): ${text}`);
    process.exit(1);
  }
  console.log(text);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
