// Apply migrations/*.sql to a D1 database the way `wrangler d1 migrations apply` does,
// recording each in the same d1_migrations table, so wrangler and this agree on what ran.
import fs from 'node:fs/promises';
import path from 'node:path';

export async function applyMigrations(db: D1Database, folder: string): Promise<string[]> {
  await db
    .prepare(
      'CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)',
    )
    .run();
  const done = new Set((await db.prepare('SELECT name FROM d1_migrations').all<{ name: string }>()).results.map((row) => row.name));
  const files = (await fs.readdir(folder)).filter((name) => name.endsWith('.sql')).sort();
  const applied: string[] = [];
  for (const name of files) {
    if (done.has(name)) continue;
    const text = await fs.readFile(path.join(folder, name), 'utf8');
    const statements = text
      .split('--> statement-breakpoint')
      .map((statement) => statement.trim())
      .filter((statement) => statement.length > 0);
    await db.batch([...statements.map((statement) => db.prepare(statement)), db.prepare('INSERT INTO d1_migrations (name) VALUES (?)').bind(name)]);
    applied.push(name);
  }
  return applied;
}
