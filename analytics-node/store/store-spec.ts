// ANALYTICS_STORE, parsed: which engine holds the log and where.
//   duckdb:PATH                                    (the default: ANALYTICS_DB or .data/analytics.duckdb)
//   chdb:PATH[?database=NAME]                      (ClickHouse in-process)
//   clickhouse://USER:PASSWORD@HOST:PORT/DATABASE[?cluster=NAME]   (a server; clickhouses:// for TLS)

export type StoreSpec =
  | { kind: 'duckdb'; path: string }
  | { kind: 'chdb'; path: string; database: string; cluster: null }
  | { kind: 'clickhouse'; url: string; username: string; password: string; database: string; cluster: string | null };

export type Result<Value, Failure> = { ok: true; value: Value } | { ok: false; error: Failure };

export const DEFAULT_DUCKDB_PATH = '.data/analytics.duckdb';
const DEFAULT_DATABASE = 'switchboard';
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** The store from the environment: ANALYTICS_STORE, else ANALYTICS_DB (a DuckDB path), else the default file. */
export function storeSpecFromEnvironment(environment: Record<string, string | undefined>): Result<StoreSpec, string> {
  const text = environment.ANALYTICS_STORE?.trim();
  if (text === undefined || text === '') return { ok: true, value: { kind: 'duckdb', path: environment.ANALYTICS_DB || DEFAULT_DUCKDB_PATH } };
  return parseStoreSpec(text);
}

export function parseStoreSpec(text: string): Result<StoreSpec, string> {
  if (text.startsWith('duckdb:')) {
    const path = text.slice('duckdb:'.length);
    return path === '' ? failure('duckdb: needs a file path (or :memory:)') : { ok: true, value: { kind: 'duckdb', path } };
  }
  if (text.startsWith('chdb:')) {
    const [path = '', query = ''] = text.slice('chdb:'.length).split('?', 2);
    const database = new URLSearchParams(query).get('database') ?? DEFAULT_DATABASE;
    if (path === '') return failure('chdb: needs a directory path');
    if (!IDENTIFIER.test(database)) return failure(`chdb: database must be an identifier, got ${database}`);
    return { ok: true, value: { kind: 'chdb', path, database, cluster: null } };
  }
  if (text.startsWith('clickhouse://') || text.startsWith('clickhouses://')) return parseServer(text);
  return failure('ANALYTICS_STORE must start with duckdb:, chdb: or clickhouse://');
}

function parseServer(text: string): Result<StoreSpec, string> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return failure('ANALYTICS_STORE: not a URL (clickhouse://USER:PASSWORD@HOST:PORT/DATABASE)');
  }
  const secure = url.protocol === 'clickhouses:';
  const database = decodeURIComponent(url.pathname.replace(/^\/+/, '')) || DEFAULT_DATABASE;
  const cluster = url.searchParams.get('cluster');
  if (!IDENTIFIER.test(database)) return failure(`ANALYTICS_STORE: database must be an identifier, got ${database}`);
  if (cluster !== null && !IDENTIFIER.test(cluster)) return failure(`ANALYTICS_STORE: cluster must be an identifier, got ${cluster}`);
  const port = url.port || (secure ? '8443' : '8123');
  return {
    ok: true,
    value: {
      kind: 'clickhouse',
      url: `${secure ? 'https' : 'http'}://${url.hostname}:${port}`,
      username: decodeURIComponent(url.username) || 'default',
      password: decodeURIComponent(url.password),
      database,
      cluster,
    },
  };
}

/** The spec for logs and errors: never the password. */
export function describeStoreSpec(spec: StoreSpec): string {
  if (spec.kind === 'duckdb') return `duckdb:${spec.path}`;
  if (spec.kind === 'chdb') return `chdb:${spec.path} (database ${spec.database})`;
  return `clickhouse ${spec.url} as ${spec.username}, database ${spec.database}${spec.cluster === null ? '' : `, cluster ${spec.cluster}`}`;
}

function failure(error: string): Result<StoreSpec, string> {
  return { ok: false, error };
}
