// Shapes the operator screens read and send. The analytics node's console types
// (analytics-node/console/api-types.ts) and the worker's config schema are the sources; the
// admin API's views (GET /admin/channels, users, …) are not exported as types by the worker
// (they are inferred from functions in worker/admin/*, which need Workers types), so they are
// composed here from the config document's types plus the fields the views add.
import type { z } from 'zod';
import type { channelSchema, groupSchema, modelSchema } from '../../../worker/config/schema';
import type { UserKey } from '../../../analytics-node/console/api-types';

export type * from '../../../analytics-node/console/api-types';

/** Everything an admin API list answers: `{data: [...]}`. */
export interface ListOf<T> {
  data: T[];
}

/** A channel as POST /admin/channels takes it (the config document's shape). */
export type ChannelInput = z.input<typeof channelSchema>;
export type ChannelModelInput = ChannelInput['models'][number];

/** GET /admin/channels: the config shape without the credential, and how it is held. */
export type ChannelView = Omit<z.output<typeof channelSchema>, 'api_key'> & {
  api_key_set: boolean;
  credential: { storage: 'encrypted'; key_id: string } | { storage: 'env'; name: string } | { storage: 'none' } | { storage: string };
  created_at: number;
  updated_at: number;
};

export type ModelView = z.output<typeof modelSchema> & { created_at: number; updated_at: number };
export type GroupView = z.output<typeof groupSchema>;

/** GET /admin/users (worker/admin/users.ts userView). */
export interface UserView {
  id: string;
  group: string;
  balance_usd: number;
  budget_monthly_usd: number | null;
  status: 'active' | 'disabled';
  created_at: number;
}

/** GET /admin/keys: the user-facing key view without its spend column, plus the routing layer. */
export type KeyView = Omit<UserKey, 'spend_30d_usd'> & { routing?: Record<string, unknown>; source?: string };
export type KeyCreated = KeyView & { key: string };

/** POST /admin/channels/{id}/test. */
export interface ChannelTestResult {
  ok: boolean;
  status?: number;
  model?: string;
  ttft_ms?: number | null;
  duration_ms?: number;
  error?: string;
  [field: string]: unknown;
}
