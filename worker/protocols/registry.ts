// The only dispatch on a protocol's name.
import type { Protocol } from '../core/types';
import type { Adapter } from './adapter';
import { anthropicAdapter } from './anthropic/adapter';
import { geminiAdapter } from './gemini/adapter';
import { openaiAdapter } from './openai/adapter';

export const adapters: Record<Protocol, Adapter> = {
  openai: openaiAdapter,
  anthropic: anthropicAdapter,
  gemini: geminiAdapter,
};
