// Tool-call arguments travel as JSON text in canonical (as OpenAI sends them); Anthropic and
// Gemini carry them as objects. One reader for every place that needs the object.
import type { Result } from '../types';
import { isPlainObject } from './validation';

const NOT_AN_OBJECT = { ok: false as const, error: { kind: 'invalid_request' as const, message: 'Tool call arguments must be a JSON object.' } };

/**
 * Tool-call arguments (JSON text) as an object: '' means no arguments ({}); anything that is
 * not a JSON object is an error, so the caller reports it (in its own terms: the caller's
 * 400, or a malformed upstream answer) instead of silently sending `{}`.
 */
export function parseToolArguments(text: string): Result<Record<string, unknown>> {
  if (text.trim() === '') return { ok: true, value: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return NOT_AN_OBJECT;
  }
  return isPlainObject(parsed) ? { ok: true, value: parsed } : NOT_AN_OBJECT;
}
