// The model catalog and channel fleet, loaded from D1 in one round of queries and cached
// per isolate. Small (hundreds of rows even for large fleets), so it is loaded whole.
import { drizzle } from 'drizzle-orm/d1';
import { channelModels, channels, groups, models, settings } from '../db/schema';
import type { Candidate, Protocol, TokenPrice } from '../core/types';
import type { PolicyLayer } from '../config/schema';
import { parsePolicyLayer } from './policy-layer';
import { effectivePrice, storedPrice } from '../db/price-columns';

export interface CatalogModel {
  id: string;
  aliases: string[];
  price: TokenPrice;
  context_length: number | null;
  capabilities: string[];
  created_at: number;
}

export interface CatalogChannel {
  id: string;
  type: Protocol;
  base_url: string;
  /**
   * The stored form, as in D1: sealed (`enc:v1:…`), `env:NAME`, or plaintext not yet sealed.
   * It stays sealed in this cache; worker/pipeline/credential.ts opens it at call time.
   * Never leaves the worker.
   */
  api_key: string;
}

export interface CatalogGroup {
  id: string;
  price_multiplier: number;
  routing: PolicyLayer;
}

export interface Catalog {
  models: Map<string, CatalogModel>;
  /** Every accepted name (id or alias) → model id. */
  names: Map<string, string>;
  channels: Map<string, CatalogChannel>;
  /** Candidates per model id, priced at multiplier 1 (see candidatesFor). */
  candidates: Map<string, Candidate[]>;
  groups: Map<string, CatalogGroup>;
  routing: PolicyLayer;
  loaded_at: number;
}

export async function loadCatalog(database: D1Database, now: number): Promise<Catalog> {
  const db = drizzle(database);
  const [modelRows, channelRows, channelModelRows, groupRows, settingRows] = await db.batch([
    db.select().from(models),
    db.select().from(channels),
    db.select().from(channelModels),
    db.select().from(groups),
    db.select().from(settings),
  ]);
  const catalog: Catalog = {
    models: new Map(),
    names: new Map(),
    channels: new Map(),
    candidates: new Map(),
    groups: new Map(),
    routing: {},
    loaded_at: now,
  };
  for (const row of modelRows) {
    if (!row.enabled) continue;
    const model: CatalogModel = {
      id: row.id,
      aliases: parseArray(row.aliases),
      price: effectivePrice(storedPrice('price', row)),
      context_length: row.context_length,
      capabilities: parseArray(row.capabilities),
      created_at: row.created_at,
    };
    catalog.models.set(model.id, model);
    catalog.names.set(model.id, model.id);
    for (const alias of model.aliases) if (!catalog.names.has(alias)) catalog.names.set(alias, model.id);
  }
  const channelById = new Map(channelRows.filter((row) => row.enabled).map((row) => [row.id, row]));
  for (const row of channelById.values()) {
    catalog.channels.set(row.id, { id: row.id, type: row.type, base_url: row.base_url, api_key: row.api_key });
  }
  for (const row of channelModelRows) {
    const channel = channelById.get(row.channel_id);
    const model = catalog.models.get(row.model_id);
    if (!channel || !model) continue;
    const candidate: Candidate = {
      channel_id: channel.id,
      dialect: channel.type,
      base_url: channel.base_url,
      model: model.id,
      upstream_model: row.upstream_model,
      cost: effectivePrice(storedPrice('cost', row)),
      price: model.price,
      priority: channel.priority,
      weight: channel.weight,
      max_concurrency: channel.max_concurrency,
      cache_ttl_s: channel.cache_ttl_s,
      capabilities: model.capabilities,
      context_length: model.context_length,
    };
    const list = catalog.candidates.get(model.id);
    if (list) list.push(candidate);
    else catalog.candidates.set(model.id, [candidate]);
  }
  for (const row of groupRows) {
    catalog.groups.set(row.id, { id: row.id, price_multiplier: row.price_multiplier, routing: parsePolicyLayer(row.routing) });
  }
  for (const row of settingRows) {
    if (row.key === 'routing') catalog.routing = parsePolicyLayer(row.value);
  }
  return catalog;
}

export function groupOf(catalog: Catalog, groupId: string): CatalogGroup {
  return catalog.groups.get(groupId) ?? { id: groupId, price_multiplier: 1, routing: {} };
}

/** Candidates for a model with the caller's group multiplier applied to the price. */
export function candidatesFor(catalog: Catalog, modelId: string, multiplier: number): Candidate[] {
  const list = catalog.candidates.get(modelId) ?? [];
  if (multiplier === 1) return list;
  // The scaled list is kept per catalog, model and multiplier, so its candidate objects stay
  // the same between requests, as the unscaled ones do: the router remembers scores per
  // candidate object (core/routing/candidate-scores.ts) and a fresh copy per request never hits.
  let lists = scaledLists.get(catalog);
  if (lists === undefined) scaledLists.set(catalog, (lists = new Map()));
  const key = `${multiplier}\u0000${modelId}`;
  let scaled = lists.get(key);
  if (scaled === undefined) {
    scaled = list.map((candidate) => ({ ...candidate, price: scalePrice(candidate.price, multiplier) }));
    lists.set(key, scaled);
  }
  return scaled;
}

/** Scaled candidate lists per catalog (dropped with the catalog), by multiplier and model. */
const scaledLists = new WeakMap<Catalog, Map<string, Candidate[]>>();

/** Every rate times the group multiplier, cache reads and writes included. */
export function scalePrice(price: TokenPrice, multiplier: number): TokenPrice {
  const full = effectivePrice(price);
  return {
    input_per_mtok: full.input_per_mtok * multiplier,
    output_per_mtok: full.output_per_mtok * multiplier,
    cached_input_per_mtok: full.cached_input_per_mtok * multiplier,
    cache_write_per_mtok: full.cache_write_per_mtok * multiplier,
    cache_write_1h_per_mtok: full.cache_write_1h_per_mtok * multiplier,
  };
}

function parseArray(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Isolate cache, refreshed when older than the TTL, stale-while-revalidate: the request that
 * finds it due stamps the time and starts a reload in the background (under its own
 * waitUntil when given), and it and every request meanwhile use the copy they have. Awaiting
 * the five-query reload put a D1 round trip on one request every TTL (docs/perf-notes-tail.md).
 * Nobody awaits another request's load: sharing one in-flight load between requests would
 * make them wait on I/O owned by another request, which workerd cancels with that request
 * (and then kills the waiters). A load that fails or is cancelled leaves the old copy for one
 * more TTL. Only a request with no copy at all (a cold isolate, or just after invalidate())
 * waits for its load.
 */
export class CatalogCache {
  #catalog: Catalog | null = null;
  #checked_at = 0;
  /** Bumped by invalidate(): a load that started before an admin change is not kept. */
  #generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly load: (database: D1Database, now: number) => Promise<Catalog> = loadCatalog,
  ) {}

  async get(database: D1Database, now: number, waitUntil?: (promise: Promise<unknown>) => void): Promise<Catalog> {
    const current = this.#catalog;
    if (current && now - this.#checked_at < this.ttlMs) return current;
    this.#checked_at = now;
    const generation = this.#generation;
    const loading = this.load(database, now).then((catalog) => {
      if (generation === this.#generation && (!this.#catalog || catalog.loaded_at >= this.#catalog.loaded_at)) this.#catalog = catalog;
      return catalog;
    });
    if (current === null) return loading;
    const background = loading.catch(() => current);
    waitUntil?.(background);
    return current;
  }

  invalidate(): void {
    this.#catalog = null;
    this.#checked_at = 0;
    this.#generation++;
  }
}
