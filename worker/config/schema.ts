// The declarative configuration document (contract.md), validated strictly: a wrong config
// fails fast with the path of the bad field. Pure; used by the worker's /admin/config route
// and by the scripts that load a file before sending it.
import { z } from 'zod';
import { policyLayerSchema } from '../core/routing/policy';

const id = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:/@-]+$/, 'letters, digits and . _ : / @ - only');
const usdPerMtok = z.number().finite().min(0).max(1_000_000);

export const tokenPriceSchema = z.strictObject({
  input_per_mtok: usdPerMtok,
  output_per_mtok: usdPerMtok,
  cached_input_per_mtok: usdPerMtok.optional(),
  /** Prompt-cache writes with the default (5-minute) lifetime; input_per_mtok when absent. */
  cache_write_per_mtok: usdPerMtok.optional(),
  /** Prompt-cache writes with a 1-hour lifetime (Anthropic); cache_write_per_mtok when absent. */
  cache_write_1h_per_mtok: usdPerMtok.optional(),
});

// Routing policy layers share the router's one schema (group, key and config defaults).
export { policyLayerSchema, routingModeSchema } from '../core/routing/policy';

export const modelSchema = z.strictObject({
  id,
  aliases: z.array(id).max(32).default([]),
  price: tokenPriceSchema,
  context_length: z.number().int().positive().optional(),
  capabilities: z.array(z.enum(['tools', 'vision', 'json_mode', 'reasoning', 'embeddings'])).default([]),
  enabled: z.boolean().default(true),
});

export const channelModelSchema = z.strictObject({
  model: id,
  upstream_model: z.string().min(1).max(256).optional(),
  cost: tokenPriceSchema,
});

export const channelSchema = z.strictObject({
  id,
  type: z.enum(['openai', 'openai-responses', 'anthropic', 'gemini']),
  base_url: z.url({ protocol: /^https?$/ }),
  api_key: z.string().max(4096).default(''),
  models: z.array(channelModelSchema).min(1),
  weight: z.number().min(0).max(1000).default(1),
  priority: z.number().int().min(-1000).max(1000).default(0),
  max_concurrency: z.number().int().positive().nullable().default(null),
  /** How long the channel's prompt cache keeps a prefix, seconds (null: the dialect's default, worker/core/routing/affinity.ts). */
  cache_ttl_s: z.number().int().min(0).max(86_400).nullable().default(null),
  enabled: z.boolean().default(true),
});

export const groupSchema = z.strictObject({
  id,
  price_multiplier: z.number().min(0).max(1000).default(1),
  routing: policyLayerSchema.default({}),
});

export const userSchema = z.strictObject({
  id,
  group: id.default('default'),
  /** Applied when the user is created; later changes go through the admin API (credits). */
  balance_usd: z.number().min(0).max(1e9).default(0),
  budget_monthly_usd: z.number().min(0).nullable().default(null),
});

export const keySchema = z.strictObject({
  user: id,
  name: z.string().min(1).max(128),
  key: z.string().min(8).max(256),
  models: z.array(z.string().min(1).max(128)).default(['*']),
  rpm: z.number().int().positive().nullable().default(null),
  tpm: z.number().int().positive().nullable().default(null),
  budget_daily_usd: z.number().min(0).nullable().default(null),
  budget_monthly_usd: z.number().min(0).nullable().default(null),
  routing: policyLayerSchema.default({}),
});

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  models: z.array(modelSchema).default([]),
  channels: z.array(channelSchema).default([]),
  groups: z.array(groupSchema).default([]),
  users: z.array(userSchema).default([]),
  keys: z.array(keySchema).default([]),
  routing: policyLayerSchema.default({}),
});

export type SwitchboardConfig = z.infer<typeof configSchema>;
export type { PolicyLayer } from '../core/routing/policy';

/** Render a zod issue path as `channels[0].models[1].cost.input_per_mtok`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out || '(root)';
}

export type ConfigResult =
  | { ok: true; value: SwitchboardConfig }
  | { ok: false; error: { path: string; message: string } };

/** Validate a parsed config document, including cross-references zod cannot see. */
export function validateConfig(input: unknown): ConfigResult {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, error: { path: formatPath(issue.path), message: issue.message } };
  }
  const config = parsed.data;
  const modelIds = new Set<string>();
  for (const [i, model] of config.models.entries()) {
    for (const name of [model.id, ...model.aliases]) {
      if (modelIds.has(name)) return fail(`models[${i}]`, `model name or alias "${name}" is used twice`);
      modelIds.add(name);
    }
  }
  const canonicalIds = new Set(config.models.map((model) => model.id));
  const seenChannels = new Set<string>();
  for (const [i, channel] of config.channels.entries()) {
    if (seenChannels.has(channel.id)) return fail(`channels[${i}].id`, `duplicate channel id "${channel.id}"`);
    seenChannels.add(channel.id);
    for (const [j, entry] of channel.models.entries()) {
      if (!canonicalIds.has(entry.model)) {
        return fail(`channels[${i}].models[${j}].model`, `unknown model "${entry.model}" (declare it under models)`);
      }
    }
  }
  const groupIds = new Set(['default', ...config.groups.map((group) => group.id)]);
  const userIds = new Set<string>();
  for (const [i, user] of config.users.entries()) {
    if (!groupIds.has(user.group)) return fail(`users[${i}].group`, `unknown group "${user.group}"`);
    userIds.add(user.id);
  }
  const keyNames = new Set<string>();
  for (const [i, key] of config.keys.entries()) {
    if (!userIds.has(key.user)) return fail(`keys[${i}].user`, `unknown user "${key.user}"`);
    const name = `${key.user}\u0000${key.name}`;
    if (keyNames.has(name)) return fail(`keys[${i}].name`, `duplicate key name "${key.name}" for user "${key.user}"`);
    keyNames.add(name);
  }
  return { ok: true, value: config };
}

function fail(path: string, message: string): ConfigResult {
  return { ok: false, error: { path, message } };
}
