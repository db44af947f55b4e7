// Deterministic filler text and the token estimate used for every count the simulator reports.
//
// Token estimate (documented in the README of the simulator, used consistently):
//   tokens(text) = ceil(characters / 4), and at least 1 for non-empty text.
// Generated replies are words; each word (with its leading space and punctuation) is exactly
// one output token, so a stream of N text deltas reports N output tokens.
import type { RandomSource } from '../../worker/core/types';
import { pick, randomInteger } from './random';

export const CHARACTERS_PER_TOKEN = 4;

export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / CHARACTERS_PER_TOKEN);
}

const WORDS = [
  'the', 'gateway', 'routes', 'each', 'request', 'to', 'a', 'channel', 'that', 'answers',
  'quickly', 'and', 'cheaply', 'while', 'tokens', 'stream', 'back', 'in', 'order', 'with',
  'usage', 'counted', 'once', 'model', 'latency', 'stays', 'low', 'when', 'providers', 'fail',
  'retry', 'another', 'upstream', 'before', 'first', 'byte', 'simulated', 'reply', 'is',
  'deterministic', 'for', 'given', 'prompt', 'seed', 'every', 'word', 'one', 'token', 'of',
  'text', 'from', 'fleet', 'fake', 'servers', 'tests', 'prove', 'what', 'was', 'sent', 'over',
  'wire', 'exactly', 'as', 'written',
];

/** `count` tokens of sentence-like text: capitalised starts, a full stop every 6–14 words. */
export function generateTextTokens(random: RandomSource, count: number): string[] {
  const tokens: string[] = [];
  let sentenceLeft = randomInteger(random, 6, 14);
  let startOfSentence = true;
  for (let index = 0; index < count; index++) {
    let word = pick(random, WORDS);
    if (startOfSentence) word = word[0]!.toUpperCase() + word.slice(1);
    sentenceLeft -= 1;
    const last = index === count - 1;
    startOfSentence = sentenceLeft === 0 || last;
    if (startOfSentence) {
      word += '.';
      sentenceLeft = randomInteger(random, 6, 14);
    }
    tokens.push(index === 0 ? word : ` ${word}`);
  }
  return tokens;
}

/** A single filler word, for generated string values. */
export function generateWord(random: RandomSource): string {
  return pick(random, WORDS);
}

/** Keys whose string values are structure or binary payloads, not prompt text. */
const NON_TEXT_KEYS = new Set([
  'role', 'type', 'id', 'tool_call_id', 'tool_use_id', 'signature', 'media_type', 'mime_type',
  'mimeType', 'data', 'url', 'detail', 'cache_control', 'thought_signature', 'thoughtSignature',
  'file_id', 'fileUri', 'file_uri', 'format', 'call_id', 'encrypted_content', 'status',
  'image_url', 'file_data', 'file_url',
]);

/** Every string leaf of a request part (messages, system, contents…), space-joined. */
export function collectText(value: unknown): string {
  const parts: string[] = [];
  const walk = (node: unknown): void => {
    if (typeof node === 'string') parts.push(node);
    else if (Array.isArray(node)) for (const item of node) walk(item);
    else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) if (!NON_TEXT_KEYS.has(key)) walk(child);
    }
  };
  walk(value);
  return parts.join(' ');
}

/** Joins prompt pieces the way collectText does, so one conversation reads the same in every dialect. */
export function joinText(...parts: string[]): string {
  return parts.filter((part) => part.length > 0).join(' ');
}

/** A tool result as the model reads it: its text, or its JSON when it holds no text. */
export function toolResultText(value: unknown): string {
  if (typeof value === 'string') return value;
  const text = collectText(value);
  return text.length > 0 ? text : value === undefined ? '' : JSON.stringify(value);
}
