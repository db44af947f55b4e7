// The conversation a request continues (issue 14), for prompt-cache affinity: a key that is the
// same on every turn, and how many input tokens a provider's cache could already hold.
//
// Key: the client's own id when it sends one (OpenAI and Responses `prompt_cache_key`,
// Anthropic `metadata.user_id`), scoped to the user; else the hash of the stable head (tools,
// system prompt and the turns up to the first user turn, stable-prefix.ts). Both are mixed
// with the catalog model, because a provider caches per model. A prefix hash is not scoped to
// the user: two users sending the same head share the provider's cache too, and the key
// reveals nothing (a hash, used only for routing).
//
// Cost: one JSON serialisation of the head and one SHA-256 (crypto.subtle, native) per
// request; the history after the first user turn is only walked for its size (the tail's).
import type { Protocol } from '../core/types';
import { estimateTokens } from '../protocols/shared/estimate';
import { stablePrefixOf } from './stable-prefix';
import { userTurnCount } from './user-turns';

/**
 * Providers cache nothing shorter (OpenAI, Anthropic and Gemini: 1,024 tokens). Judged on the
 * whole prompt, not on the prefix cached so far: this request's prompt is what the next turn
 * can read from the cache, so a conversation is remembered from its first cacheable turn.
 */
export const MINIMUM_CACHEABLE_TOKENS = 1_024;

/** Hex characters kept of the SHA-256 (128 bits). */
const KEY_HEX_CHARACTERS = 32;

export interface ConversationIdentity {
  key: string;
  /** Input tokens before the newest turns: what a warm cache would serve (an estimate). */
  prefix_tokens: number;
  /** 1-based index of this request's turn: the user turns in its history (user-turns.ts). */
  turn: number;
}

export interface ConversationSource {
  protocol: Protocol;
  body: Record<string, unknown>;
  input_tokens_estimate: number;
}

export async function conversationOf(request: ConversationSource, model: string, userId: string): Promise<ConversationIdentity | null> {
  if (!(request.input_tokens_estimate >= MINIMUM_CACHEABLE_TOKENS)) return null;
  const prefix = stablePrefixOf(request.protocol, request.body);
  const material = prefix.explicit !== null
    ? `id\n${model}\n${userId}\n${prefix.explicit}`
    : `prefix\n${model}\n${serialise(request.protocol, prefix.head)}`;
  const prefixTokens = Math.max(0, request.input_tokens_estimate - estimateTokens(prefix.tail));
  return { key: await sha256Hex(material), prefix_tokens: prefixTokens, turn: userTurnCount(request.protocol, request.body) };
}

/**
 * Anthropic clients move `cache_control` markers to the newest turns, so the first user turn
 * carries one on turn 1 and none later: markers are left out of the hash.
 */
function serialise(protocol: Protocol, head: unknown[]): string {
  return protocol === 'anthropic' ? JSON.stringify(head, withoutCacheControl) : JSON.stringify(head);
}

function withoutCacheControl(key: string, value: unknown): unknown {
  return key === 'cache_control' ? undefined : value;
}

const encoder = new TextEncoder();

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
  let hex = '';
  for (let index = 0; index < KEY_HEX_CHARACTERS / 2; index++) hex += digest[index]!.toString(16).padStart(2, '0');
  return hex;
}
