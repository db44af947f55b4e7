// The only dispatch on a protocol's name.
import type { Protocol } from '../core/types';
import type { Adapter } from './adapter';
import { anthropicAdapter } from './anthropic/adapter';
import { geminiAdapter } from './gemini/adapter';
import { openaiAdapter } from './openai/adapter';
import { responsesAdapter } from './responses/adapter';

export const adapters: Record<Protocol, Adapter> = {
  openai: openaiAdapter,
  'openai-responses': responsesAdapter,
  anthropic: anthropicAdapter,
  gemini: geminiAdapter,
};
