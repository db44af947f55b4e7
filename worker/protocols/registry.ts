// The only dispatch on a protocol's name. Mapped rather than Record<Protocol, Adapter> so
// that adapters[protocol] is the adapter of that very protocol (index.ts adapterFor).
import type { Protocol } from '../core/types';
import type { Adapter } from './adapter';
import { anthropicAdapter } from './anthropic/adapter';
import { geminiAdapter } from './gemini/adapter';
import { openaiAdapter } from './openai/adapter';
import { responsesAdapter } from './responses/adapter';

export const adapters: { [P in Protocol]: Adapter<P> } = {
  openai: openaiAdapter,
  'openai-responses': responsesAdapter,
  anthropic: anthropicAdapter,
  gemini: geminiAdapter,
};
