// OpenAI embeddings: deterministic unit vectors seeded by each input's text.
import { createRandom, hashString } from '../random';
import { estimateTokens } from '../text-generation';
import type { DialectContext, JsonReply } from './types';

/** undefined when the input is missing or of the wrong type. */
export function embeddingsReply(body: Record<string, unknown>, context: DialectContext): JsonReply | undefined {
  const inputs = normaliseInput(body.input);
  if (!inputs) return undefined;
  const model = typeof body.model === 'string' ? body.model : 'text-embedding-3-small';
  const dimensions = typeof body.dimensions === 'number' && body.dimensions > 0 ? Math.floor(body.dimensions) : model.includes('large') ? 3072 : 1536;
  const base64 = body.encoding_format === 'base64';
  let promptTokens = 0;
  const data = inputs.map((input, index) => {
    promptTokens += typeof input === 'string' ? estimateTokens(input) : input.length;
    const vector = embed(typeof input === 'string' ? input : input.join(','), dimensions, context.seed);
    return { object: 'embedding', index, embedding: base64 ? Buffer.from(vector.buffer).toString('base64') : Array.from(vector) };
  });
  return { kind: 'json', status: 200, outputTokens: 0, body: { object: 'list', data, model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } } };
}

function normaliseInput(input: unknown): Array<string | number[]> | undefined {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((item) => typeof item === 'number')) return [input as number[]];
  if (input.every((item) => typeof item === 'string' || (Array.isArray(item) && item.every((token) => typeof token === 'number')))) {
    return input as Array<string | number[]>;
  }
  return undefined;
}

function embed(text: string, dimensions: number, seed: number): Float32Array {
  const random = createRandom(hashString(text, seed));
  const vector = new Float32Array(dimensions);
  let norm = 0;
  for (let index = 0; index < dimensions; index++) {
    const value = random() * 2 - 1;
    vector[index] = value;
    norm += value * value;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let index = 0; index < dimensions; index++) vector[index] = vector[index]! * scale;
  return vector;
}
