// The model list in each client's own shape. OpenAI's (the default) carries OpenRouter's
// fields: pricing in USD per token as strings, context length, capabilities.
import type { VisibleModel } from './models-catalog';

export function openaiModel({ model, price, channels }: VisibleModel) {
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
    channels,
  };
}

export function openaiModelList(models: VisibleModel[]) {
  return { object: 'list' as const, data: models.map(openaiModel) };
}

/** Anthropic's ModelInfo: `created_at` is an RFC 3339 time. */
export function anthropicModel({ model }: VisibleModel) {
  return { type: 'model' as const, id: model.id, display_name: model.id, created_at: new Date(model.created_at).toISOString() };
}

/** Anthropic's page shape; the whole catalog fits one page, so `has_more` is false. */
export function anthropicModelList(models: VisibleModel[]) {
  const data = models.map(anthropicModel);
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}

const GENERATE_METHODS = ['generateContent', 'streamGenerateContent', 'countTokens'];
const EMBED_METHODS = ['embedContent', 'batchEmbedContents'];
/** What we assume when the catalog states no context length (Gemini's shape requires a number). */
const UNKNOWN_LIMIT = 0;

/** Gemini's Model resource, `name` prefixed with `models/` as the SDK expects. */
export function geminiModel({ model }: VisibleModel) {
  const embeds = model.capabilities.includes('embeddings');
  return {
    name: `models/${model.id}`,
    version: '1',
    displayName: model.id,
    description: `${model.id}, served by Switchboard.`,
    inputTokenLimit: model.context_length ?? UNKNOWN_LIMIT,
    outputTokenLimit: model.context_length ?? UNKNOWN_LIMIT,
    supportedGenerationMethods: embeds ? EMBED_METHODS : GENERATE_METHODS,
  };
}

/** Gemini's list; no nextPageToken, since the whole catalog is one page. */
export function geminiModelList(models: VisibleModel[]) {
  return { models: models.map(geminiModel) };
}

function perToken(perMillion: number): string {
  return String(Number((perMillion / 1_000_000).toPrecision(12)));
}
