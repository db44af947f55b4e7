// The only dispatch on dialect: a record from protocol to module.
import type { Protocol } from '../../../worker/core/types';
import { anthropicDialect } from './anthropic';
import { geminiDialect } from './gemini';
import { openaiDialect } from './openai';
import { responsesDialect } from './responses';
import type { Dialect } from './types';

export const DIALECTS: Record<Protocol, Dialect> = {
  openai: openaiDialect,
  'openai-responses': responsesDialect,
  anthropic: anthropicDialect,
  gemini: geminiDialect,
};

/** The dialect a path looks like, for errors about providers that do not exist. */
export function dialectOfPath(path: string): Protocol {
  if (/^\/v1(beta|alpha)?\/models\/[^/]+(:|%3A)/i.test(path)) return 'gemini';
  if (path.startsWith('/v1/messages')) return 'anthropic';
  if (path.startsWith('/v1/responses')) return 'openai-responses';
  return 'openai';
}
