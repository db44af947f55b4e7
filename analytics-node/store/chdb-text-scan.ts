// Tests only (the end-to-end secrets scan): what text a chdb folder holds. ClickHouse
// compresses its column files (LZ4), so a search of the raw bytes can miss a value; this asks
// the engine, on a copy of the folder the running node writes to.
import fs from 'node:fs/promises';
import path from 'node:path';
import { createClient } from '@clickhouse/client';

export interface Needle {
  label: string;
  value: string;
}

/** Every String column of every table outside the system databases, searched for each needle: `<label> in <table>.<column>`. */
export async function scanChdbText(folder: string, needles: readonly Needle[]): Promise<{ findings: string[]; logRows: number }> {
  const { createChdbConnection } = await import('chdb/connection');
  const client = createClient({ connection: createChdbConnection({ path: folder }) } as Parameters<typeof createClient>[0]);
  const rows = async <Row>(query: string, query_params: Record<string, unknown> = {}) =>
    (await (await client.query({ query, query_params, format: 'JSONEachRow' })).json()) as Row[];
  try {
    const columns = await rows<{ database: string; table: string; name: string }>(
      "SELECT database, table, name FROM system.columns WHERE database NOT IN ('system', 'information_schema', 'INFORMATION_SCHEMA') AND type LIKE '%String%'",
    );
    const logs = [...new Set(columns.filter((column) => column.table === 'log').map((column) => column.database))];
    let logRows = 0;
    for (const database of logs) logRows += Number((await rows<{ n: number }>(`SELECT count()::Float64 AS n FROM \`${database}\`.log`))[0]?.n ?? 0);
    const params = Object.fromEntries(needles.map((needle, index) => [`s${index}`, needle.value]));
    const findings: string[] = [];
    for (const { database, table, name } of columns) {
      const counts = needles.map((_, index) => `countIf(position(\`${name}\`, {s${index}:String}) > 0)::Float64 AS s${index}`).join(', ');
      const [row] = await rows<Record<string, number>>(`SELECT ${counts} FROM \`${database}\`.\`${table}\``, params);
      needles.forEach((needle, index) => {
        if ((row?.[`s${index}`] ?? 0) > 0) findings.push(`${needle.label} in ${table}.${name}`);
      });
    }
    return { findings, logRows };
  } finally {
    await client.close();
  }
}

/**
 * Copies a folder a running process writes to: a file that vanishes meanwhile (a part merged
 * away) is skipped, and chdb detaches a part copied half; symbolic links are kept (relative).
 */
export async function copyLiveFolder(from: string, to: string): Promise<void> {
  await fs.mkdir(to, { recursive: true });
  for (const entry of await fs.readdir(from, { withFileTypes: true }).catch(() => [])) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) await copyLiveFolder(source, target);
    else if (entry.isSymbolicLink()) await fs.symlink(await fs.readlink(source), target);
    else if (entry.isFile()) {
      await fs.copyFile(source, target).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    }
  }
}
