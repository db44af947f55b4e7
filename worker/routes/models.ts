// GET /v1/models: the catalog this key may use, with prices for its group. OpenAI's list
// shape (so the official SDKs parse it) carrying OpenRouter's pricing fields (USD per token,
// as strings) and context length.
import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { isolateState } from '../state';
import { groupOf, scalePrice } from '../catalog/catalog';
import { modelAllowed } from '../auth/key-context';

export async function listModels(c: Context<AppEnv>): Promise<Response> {
  const auth = c.get('auth');
  const catalog = await isolateState(c.env).catalog.get(c.env.DB, Date.now());
  const multiplier = groupOf(catalog, auth.group_id).price_multiplier;
  const data = [...catalog.models.values()]
    .filter((model) => modelAllowed(auth.models, model.id) && catalog.candidates.has(model.id))
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((model) => {
      const price = scalePrice(model.price, multiplier);
      return {
        id: model.id,
        object: 'model' as const,
        created: Math.floor(model.created_at / 1000),
        owned_by: 'switchboard',
        name: model.id,
        aliases: model.aliases,
        context_length: model.context_length,
        capabilities: model.capabilities,
        pricing: {
          prompt: perToken(price.input_per_mtok),
          completion: perToken(price.output_per_mtok),
          input_cache_read: perToken(price.cached_input_per_mtok ?? price.input_per_mtok),
        },
        channels: catalog.candidates.get(model.id)?.length ?? 0,
      };
    });
  return c.json({ object: 'list', data });
}

function perToken(perMillion: number): string {
  return String(Number((perMillion / 1_000_000).toPrecision(12)));
}
