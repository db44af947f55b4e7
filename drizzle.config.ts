import { defineConfig } from 'drizzle-kit';

// drizzle-kit writes SQL migrations into migrations/, the folder wrangler, Miniflare and the
// Workers test pool apply.
export default defineConfig({
  dialect: 'sqlite',
  schema: './worker/db/schema.ts',
  out: './migrations',
});
