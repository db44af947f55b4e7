// Apply a validated config document to D1 in one batch. Idempotent: it upserts what the
// document names and leaves records created at run time alone. Deliberate exceptions, so
// that re-applying a config never undoes what happened since:
//  - a user's balance is set only when the user is created (top-ups go through the admin API);
//  - a key's status is not touched (a key revoked at run time stays revoked);
//  - a channel's model list is the document's: models it no longer names are removed.
// Literal channel credentials are sealed (worker/secrets/) before they reach D1, or refused
// when CREDENTIALS_KEY is not set; plaintext rows left from before encryption are sealed too.
import { and, eq, notInArray, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import type { BatchItem } from 'drizzle-orm/batch';
import type { SwitchboardConfig } from '../config/schema';
import { apiKeys, channelModels, channels, groups, models, settings, users } from './schema';
import { priceColumns } from './price-columns';
import { randomId, sha256Hex } from '../util/crypto';
import type { GatewayError } from '../errors';
import type { KeyringResult } from '../secrets/keyring';
import { sealerFor } from '../secrets/credential-sealer';
import { resealCredentials } from '../secrets/reseal';

export interface ApplySummary {
  models: number;
  channels: number;
  groups: number;
  users: number;
  keys: number;
  /** Channel rows written before encryption existed, sealed by this apply. */
  sealed_plaintext: number;
}

export type ApplyResult = { ok: true; value: ApplySummary } | { ok: false; error: GatewayError };

const NANO = 1_000_000_000;

/** `keyring`: `await credentialKeyring(env)` (worker/secrets/keyring.ts). */
export async function applyConfig(database: D1Database, config: SwitchboardConfig, now: number, keyring: KeyringResult): Promise<ApplyResult> {
  const db = drizzle(database);
  const statements: BatchItem<'sqlite'>[] = [];

  // Sealed first, so that a refused credential leaves D1 untouched.
  const seal = sealerFor(keyring);
  const sealedChannels: Array<{ channel: SwitchboardConfig['channels'][number]; api_key: string }> = [];
  for (const [index, channel] of config.channels.entries()) {
    const sealed = await seal(channel.id, channel.api_key, `channels[${index}].api_key`);
    if (!sealed.ok) return sealed;
    sealedChannels.push({ channel, api_key: sealed.value });
  }

  for (const model of config.models) {
    const values = {
      aliases: JSON.stringify(model.aliases),
      ...priceColumns('price', model.price),
      context_length: model.context_length ?? null,
      capabilities: JSON.stringify(model.capabilities),
      enabled: model.enabled,
      updated_at: now,
    };
    statements.push(db.insert(models).values({ id: model.id, ...values }).onConflictDoUpdate({ target: models.id, set: values }));
  }

  for (const { channel, api_key } of sealedChannels) {
    const values = {
      type: channel.type,
      base_url: channel.base_url.replace(/\/+$/, ''),
      api_key,
      weight: channel.weight,
      priority: channel.priority,
      max_concurrency: channel.max_concurrency,
      cache_ttl_s: channel.cache_ttl_s,
      enabled: channel.enabled,
      updated_at: now,
    };
    statements.push(db.insert(channels).values({ id: channel.id, ...values }).onConflictDoUpdate({ target: channels.id, set: values }));
    statements.push(
      db.delete(channelModels).where(
        and(
          eq(channelModels.channel_id, channel.id),
          notInArray(
            channelModels.model_id,
            channel.models.map((entry) => entry.model),
          ),
        ),
      ),
    );
    for (const entry of channel.models) {
      const values = {
        upstream_model: entry.upstream_model ?? entry.model,
        ...priceColumns('cost', entry.cost),
        updated_at: now,
      };
      statements.push(
        db
          .insert(channelModels)
          .values({ channel_id: channel.id, model_id: entry.model, ...values })
          .onConflictDoUpdate({ target: [channelModels.channel_id, channelModels.model_id], set: values }),
      );
    }
  }

  // Every user needs a group; the implicit default group never overwrites one an operator made.
  if (!config.groups.some((group) => group.id === 'default')) {
    statements.push(db.insert(groups).values({ id: 'default' }).onConflictDoNothing());
  }
  for (const group of config.groups) {
    const values = { price_multiplier: group.price_multiplier, routing: JSON.stringify(group.routing), updated_at: now };
    statements.push(db.insert(groups).values({ id: group.id, ...values }).onConflictDoUpdate({ target: groups.id, set: values }));
  }

  for (const user of config.users) {
    statements.push(
      db
        .insert(users)
        .values({
          id: user.id,
          group_id: user.group,
          balance_nanousd: Math.round(user.balance_usd * NANO),
          budget_monthly_usd: user.budget_monthly_usd,
        })
        .onConflictDoUpdate({
          target: users.id,
          set: { group_id: user.group, budget_monthly_usd: user.budget_monthly_usd, updated_at: now },
        }),
    );
  }

  for (const key of config.keys) {
    const hash = await sha256Hex(key.key);
    const values = {
      user_id: key.user,
      name: key.name,
      models: JSON.stringify(key.models),
      rpm: key.rpm,
      tpm: key.tpm,
      budget_daily_usd: key.budget_daily_usd,
      budget_monthly_usd: key.budget_monthly_usd,
      routing: JSON.stringify(key.routing),
      updated_at: now,
    };
    statements.push(
      db
        .insert(apiKeys)
        .values({ id: randomId('key_'), hash, prefix: displayPrefix(key.key), source: 'config', ...values })
        .onConflictDoUpdate({ target: apiKeys.hash, set: values }),
    );
  }

  const routing = JSON.stringify(config.routing);
  statements.push(
    db
      .insert(settings)
      .values({ key: 'routing', value: routing, updated_at: now })
      .onConflictDoUpdate({ target: settings.key, set: { value: routing, updated_at: sql`excluded.updated_at` } }),
  );

  await db.batch(statements as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
  // Channels the document does not name may still hold plaintext from before encryption.
  const resealed = keyring.ok ? await resealCredentials(database, keyring.value, 'plaintext', now) : null;
  return {
    ok: true,
    value: {
      models: config.models.length,
      channels: config.channels.length,
      groups: config.groups.length,
      users: config.users.length,
      keys: config.keys.length,
      sealed_plaintext: resealed?.sealed_plaintext ?? 0,
    },
  };
}

/** What an operator sees of a key: enough to recognise it, too little to use it. */
export function displayPrefix(key: string): string {
  return `${key.slice(0, Math.min(8, Math.floor(key.length / 3)))}…`;
}
