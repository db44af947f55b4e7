// The D1 (SQLite) schema: the source of truth for who may call, what they may call and what
// it costs. drizzle-kit generates migrations/ from this file (`npm run db:generate`); wrangler,
// Miniflare and the tests apply those migrations. Money is stored in USD as REAL for prices
// (per million tokens) and as integer nano-dollars for balances and ledger amounts, so that
// balances are exact sums.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

const timestamps = {
  created_at: integer('created_at').notNull().default(sql`(unixepoch() * 1000)`),
  updated_at: integer('updated_at').notNull().default(sql`(unixepoch() * 1000)`),
};

export const groups = sqliteTable('groups', {
  id: text('id').primaryKey(),
  price_multiplier: real('price_multiplier').notNull().default(1),
  /** JSON PolicyLayer: {mode, weights, max_attempts, max_ttft_ms}. */
  routing: text('routing').notNull().default('{}'),
  ...timestamps,
});

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    group_id: text('group_id').notNull().default('default'),
    /** Prepaid balance in nano-USD (1e-9 USD). */
    balance_nanousd: integer('balance_nanousd').notNull().default(0),
    /** Optional user-wide monthly budget in USD; null = none. */
    budget_monthly_usd: real('budget_monthly_usd'),
    status: text('status', { enum: ['active', 'disabled'] }).notNull().default('active'),
    ...timestamps,
  },
  (table) => [index('users_group').on(table.group_id)],
);

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    user_id: text('user_id').notNull(),
    name: text('name').notNull().default(''),
    /** Hex SHA-256 of the plaintext key; the plaintext is never stored. */
    hash: text('hash').notNull().unique(),
    /** First characters of the key, for display ("sk-demo-1…"). */
    prefix: text('prefix').notNull(),
    status: text('status', { enum: ['active', 'disabled', 'revoked'] }).notNull().default('active'),
    /** JSON array of model ids or patterns ("*", "gpt-*"). */
    models: text('models').notNull().default('["*"]'),
    rpm: integer('rpm'),
    tpm: integer('tpm'),
    budget_daily_usd: real('budget_daily_usd'),
    budget_monthly_usd: real('budget_monthly_usd'),
    /** JSON PolicyLayer. */
    routing: text('routing').notNull().default('{}'),
    /** Set when the key comes from a config document (keys are matched by user + name). */
    source: text('source', { enum: ['config', 'admin'] }).notNull().default('admin'),
    expires_at: integer('expires_at'),
    last_used_at: integer('last_used_at'),
    ...timestamps,
  },
  (table) => [index('api_keys_user').on(table.user_id)],
);

export const models = sqliteTable('models', {
  id: text('id').primaryKey(),
  /** JSON array of alternative names. */
  aliases: text('aliases').notNull().default('[]'),
  price_input_per_mtok: real('price_input_per_mtok').notNull(),
  price_output_per_mtok: real('price_output_per_mtok').notNull(),
  price_cached_input_per_mtok: real('price_cached_input_per_mtok'),
  /** Prompt-cache writes, 5-minute and 1-hour lifetimes; null = the fallback in core/metering.ts. */
  price_cache_write_per_mtok: real('price_cache_write_per_mtok'),
  price_cache_write_1h_per_mtok: real('price_cache_write_1h_per_mtok'),
  context_length: integer('context_length'),
  /** JSON array: tools, vision, json_mode, reasoning, embeddings. */
  capabilities: text('capabilities').notNull().default('[]'),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  ...timestamps,
});

export const channels = sqliteTable('channels', {
  id: text('id').primaryKey(),
  type: text('type', { enum: ['openai', 'openai-responses', 'anthropic', 'gemini'] }).notNull(),
  base_url: text('base_url').notNull(),
  /** Sealed `enc:v1:<key id>:<iv>:<ciphertext>` (worker/secrets/), or `env:NAME`; never returned by any API. */
  api_key: text('api_key').notNull().default(''),
  weight: real('weight').notNull().default(1),
  priority: integer('priority').notNull().default(0),
  max_concurrency: integer('max_concurrency'),
  /** Prompt-cache lifetime in seconds; null: the dialect's default (worker/core/routing/affinity.ts). */
  cache_ttl_s: integer('cache_ttl_s'),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  ...timestamps,
});

export const channelModels = sqliteTable(
  'channel_models',
  {
    channel_id: text('channel_id').notNull(),
    model_id: text('model_id').notNull(),
    upstream_model: text('upstream_model').notNull(),
    cost_input_per_mtok: real('cost_input_per_mtok').notNull(),
    cost_output_per_mtok: real('cost_output_per_mtok').notNull(),
    cost_cached_input_per_mtok: real('cost_cached_input_per_mtok'),
    cost_cache_write_per_mtok: real('cost_cache_write_per_mtok'),
    cost_cache_write_1h_per_mtok: real('cost_cache_write_1h_per_mtok'),
    ...timestamps,
  },
  (table) => [primaryKey({ columns: [table.channel_id, table.model_id] })],
);

/** Global settings as JSON values: `routing` (the config's routing defaults), `catalog_version`. */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updated_at: integer('updated_at').notNull().default(sql`(unixepoch() * 1000)`),
});

/** The scoring table last pushed (or pulled) from the analytics node: one row. */
export const scoreTables = sqliteTable('score_tables', {
  id: integer('id').primaryKey(),
  version: integer('version').notNull(),
  computed_at: integer('computed_at').notNull(),
  received_at: integer('received_at').notNull(),
  /** JSON ScoreTable. */
  body: text('body').notNull(),
});

/**
 * The analytics nodes' lease (worker/cluster/): one row per lease name. The holder computes and
 * pushes scores and runs the ledger; `term` grows at every acquisition and fences both.
 */
export const analyticsLease = sqliteTable('analytics_lease', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  term: integer('term').notNull(),
  /** Epoch ms (the worker's clock). */
  expires_at: integer('expires_at').notNull(),
  updated_at: integer('updated_at').notNull(),
});

export type GroupRow = typeof groups.$inferSelect;
export type UserRow = typeof users.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type ModelRow = typeof models.$inferSelect;
export type ChannelRow = typeof channels.$inferSelect;
export type ChannelModelRow = typeof channelModels.$inferSelect;

/**
 * Ledger batches from the analytics node, applied exactly once: the batch id is the primary
 * key, inserted in the same D1 transaction as the debits, so a replay fails the insert and
 * changes nothing (worker/accounts/ledger-apply.ts).
 */
export const ledgerBatches = sqliteTable('ledger_batches', {
  id: text('id').primaryKey(),
  /** Newest log record (ts_end, epoch ms) the batch covers. */
  up_to_ts: integer('up_to_ts').notNull(),
  total_nanousd: integer('total_nanousd').notNull(),
  requests: integer('requests').notNull(),
  users: integer('users').notNull(),
  applied_at: integer('applied_at').notNull(),
});

/**
 * The balance journal: every change to `users.balance_nanousd`, signed. `opening` rows are
 * written by a trigger when a user is created (by config apply or the admin API), `credit`
 * rows by the admin API, `debit` rows (negative) by ledger batches. For every user,
 * Σ amount = balance — what `scripts/reconcile.ts` checks. The newest id is the balance's
 * version, which orders balance updates sent to the user's account object.
 */
export const balanceEntries = sqliteTable(
  'balance_entries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    user_id: text('user_id').notNull(),
    kind: text('kind', { enum: ['opening', 'credit', 'debit'] }).notNull(),
    amount_nanousd: integer('amount_nanousd').notNull(),
    /** Ledger batch id for debits; a credit id for credits. */
    reference: text('reference').notNull().default(''),
    note: text('note').notNull().default(''),
    created_at: integer('created_at').notNull().default(sql`(unixepoch() * 1000)`),
  },
  (table) => [index('balance_entries_user').on(table.user_id)],
);

export type LedgerBatchRow = typeof ledgerBatches.$inferSelect;
export type BalanceEntryRow = typeof balanceEntries.$inferSelect;

/**
 * Named admin keys (besides the bootstrap ADMIN_KEY binding, an implicit owner). Only the
 * SHA-256 of a key is stored; the plaintext is shown once, in the answer that creates it.
 * Scopes: `read-only` (GETs), `operator` (everything but admin-key management and credential
 * rotation), `owner` (everything). Revocation is final (worker/admin/admin-keys.ts).
 */
export const adminKeys = sqliteTable(
  'admin_keys',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    /** Hex SHA-256 of the plaintext key. */
    hash: text('hash').notNull().unique(),
    /** First characters of the key, for display. */
    prefix: text('prefix').notNull(),
    scope: text('scope', { enum: ['read-only', 'operator', 'owner'] }).notNull(),
    status: text('status', { enum: ['active', 'revoked'] }).notNull().default('active'),
    /** Name of the admin identity that created it. */
    created_by: text('created_by').notNull().default(''),
    revoked_at: integer('revoked_at'),
    ...timestamps,
  },
  (table) => [index('admin_keys_name').on(table.name)],
);

/**
 * The audit log: one row per admin change, append-only (triggers in migrations/ refuse UPDATE
 * and DELETE; no route changes it). `before` / `after` are JSON views of the entity with
 * every secret field removed (worker/admin/audit-scrub.ts).
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Epoch ms. */
    at: integer('at').notNull(),
    actor_id: text('actor_id').notNull(),
    actor_name: text('actor_name').notNull(),
    actor_scope: text('actor_scope').notNull(),
    /** create, update, disable, revoke, delete, credit, apply, rotate, … */
    action: text('action').notNull(),
    entity_type: text('entity_type').notNull(),
    entity_id: text('entity_id'),
    /** JSON, secrets removed; null when the entity did not exist before / after. */
    before: text('before'),
    after: text('after'),
    request_id: text('request_id').notNull(),
  },
  (table) => [index('audit_log_entity').on(table.entity_type, table.entity_id), index('audit_log_at').on(table.at)],
);

export type AdminKeyRow = typeof adminKeys.$inferSelect;
export type AuditRow = typeof auditLog.$inferSelect;
