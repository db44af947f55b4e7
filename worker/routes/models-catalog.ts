// The catalog as one caller sees it: the models its key may use that some channel serves,
// with prices scaled by its group's multiplier. Shared by the three list shapes.
import type { Context } from 'hono';
import type { AppEnv } from '../env';
import type { TokenPrice } from '../core/types';
import { groupOf, scalePrice, type CatalogModel } from '../catalog/catalog';
import { modelAllowed } from '../auth/key-context';

export interface VisibleModel {
  model: CatalogModel;
  /** The caller's price (group multiplier applied). */
  price: TokenPrice;
  /** How many channels serve it now. */
  channels: number;
}

export async function visibleModels(c: Context<AppEnv>): Promise<VisibleModel[]> {
  const auth = c.get('auth');
  const catalog = await c.get('state').catalog.get(c.env.DB, Date.now(), (promise) => c.executionCtx.waitUntil(promise));
  const multiplier = groupOf(catalog, auth.group_id).price_multiplier;
  return [...catalog.models.values()]
    .filter((model) => modelAllowed(auth.models, model.id) && catalog.candidates.has(model.id))
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((model) => ({ model, price: scalePrice(model.price, multiplier), channels: catalog.candidates.get(model.id)?.length ?? 0 }));
}

/** One model by any of its names (id or alias), if this caller may see it. */
export async function visibleModel(c: Context<AppEnv>, name: string): Promise<VisibleModel | null> {
  const catalog = await c.get('state').catalog.get(c.env.DB, Date.now(), (promise) => c.executionCtx.waitUntil(promise));
  const id = catalog.names.get(name);
  if (id === undefined) return null;
  return (await visibleModels(c)).find((entry) => entry.model.id === id) ?? null;
}
