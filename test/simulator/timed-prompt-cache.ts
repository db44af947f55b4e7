// A provider's prompt cache with a lifetime (behaviour `prompt_cache`), for conversation
// affinity: each served prompt's prefixes at message boundaries (tools, then the system prompt,
// then each message) are cached for `ttl_s`, refreshed by every use, like OpenAI's and
// Anthropic's. A request reads its longest cached prefix: on turn N of a conversation that is
// turn N-1's whole prompt, if turn N-1 was served here within the lifetime. Reads count only
// from 1,024 tokens, in 128-token steps. Keyed by SHA-1 chained over the boundaries (prefixes
// are never compared as text). Bounded; cleared by reset.
import { createHash } from 'node:crypto';
import type { Conversation } from './reply-plan';
import { MINIMUM_CACHEABLE_TOKENS } from './dialects/prompt-cache';

const REMEMBERED_PREFIXES = 100_000;

export interface TimedCacheRead {
  cached_tokens: number;
  /** cached / input: how much of the prompt was served warm (scales the TTFT). */
  warm_share: number;
}

export class TimedPromptCache {
  /** Prefix digest → expiry (epoch ms); insertion order = least recently used first. */
  readonly #entries = new Map<string, number>();

  clear(): void {
    this.#entries.clear();
  }

  read(conversation: Conversation, inputTokens: number, ttlMs: number, now: number): TimedCacheRead {
    const turns = conversation.turnTexts ?? [conversation.prefixText, conversation.promptText.slice(conversation.prefixText.length)];
    const hash = createHash('sha1').update(conversation.toolsText);
    let characters = conversation.toolsText.length;
    let best = 0;
    const digests: string[] = [];
    for (const text of turns) {
      hash.update('\u0000').update(text);
      characters += text.length + 1;
      const digest = hash.copy().digest('base64');
      digests.push(digest);
      const expiry = this.#entries.get(digest);
      if (expiry !== undefined && expiry > now) best = Math.ceil(characters / 4);
    }
    for (const digest of digests) {
      this.#entries.delete(digest);
      this.#entries.set(digest, now + ttlMs);
    }
    while (this.#entries.size > REMEMBERED_PREFIXES) this.#entries.delete(this.#entries.keys().next().value!);
    const cacheable = Math.min(best, inputTokens);
    const cached = cacheable >= MINIMUM_CACHEABLE_TOKENS ? Math.floor(cacheable / 128) * 128 : 0;
    return { cached_tokens: cached, warm_share: inputTokens > 0 ? cached / inputTokens : 0 };
  }
}
