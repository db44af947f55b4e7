// An OpenAI Responses API answer (the `response` object) → the canonical response.
import type { CanonicalResponse, ReasoningPart, ResponsePart } from '../canonical';
import type { Result } from '../types';
import { malformedUpstream, parseJson } from '../shared/upstream-failure';
import { isPlainObject } from '../shared/validation';
import { responsesErrorFromObject } from './errors';
import { convertResponsesUsage, mapResponsesStatus } from './mapping';

/** Separates the summaries of one reasoning item (the stream decoder inserts the same). */
export const SUMMARY_SEPARATOR = '\n\n';

function texts(list: unknown, type: string): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry: unknown) => (isPlainObject(entry) && entry.type === type && typeof entry.text === 'string' ? [entry.text] : []));
}

/** A reasoning item: its readable text (raw reasoning when given, else the summaries) and its state. */
export function reasoningFromItem(item: Record<string, unknown>): ReasoningPart | null {
  const content = texts(item.content, 'reasoning_text');
  const text = content.length > 0 ? content.join('') : texts(item.summary, 'summary_text').join(SUMMARY_SEPARATOR);
  const part: ReasoningPart = { type: 'reasoning', text };
  if (typeof item.encrypted_content === 'string' && item.encrypted_content !== '') {
    part.state = { dialect: 'openai-responses', value: item.encrypted_content, kind: 'encrypted' };
    if (typeof item.id === 'string') part.state.id = item.id;
  }
  return part.text === '' && part.state === undefined ? null : part;
}

function messageParts(item: Record<string, unknown>): ResponsePart[] {
  if (!Array.isArray(item.content)) return [];
  return item.content.flatMap((entry: unknown): ResponsePart[] => {
    if (!isPlainObject(entry)) return [];
    if (entry.type === 'output_text' && typeof entry.text === 'string' && entry.text !== '') return [{ type: 'text', text: entry.text }];
    if (entry.type === 'refusal' && typeof entry.refusal === 'string' && entry.refusal !== '') return [{ type: 'text', text: entry.refusal }];
    return [];
  });
}

function outputParts(output: unknown[]): ResponsePart[] {
  const parts: ResponsePart[] = [];
  for (const item of output) {
    if (!isPlainObject(item)) continue;
    if (item.type === 'message') parts.push(...messageParts(item));
    else if (item.type === 'function_call') {
      parts.push({
        type: 'tool-call',
        id: typeof item.call_id === 'string' ? item.call_id : '',
        name: typeof item.name === 'string' ? item.name : '',
        arguments: typeof item.arguments === 'string' ? item.arguments : '{}',
      });
    } else if (item.type === 'reasoning') {
      const reasoning = reasoningFromItem(item);
      if (reasoning) parts.push(reasoning);
    }
    // Hosted-tool items (web_search_call, file_search_call, …) have no canonical form: skipped.
  }
  return parts;
}

export function readResponsesResponse(text: string): Result<CanonicalResponse> {
  const body = parseJson(text);
  if (!isPlainObject(body)) return { ok: false, error: malformedUpstream('not a JSON object') };
  // A failed response is the upstream's error, not an answer.
  if (body.status === 'failed') return { ok: false, error: responsesErrorFromObject(body.error) };
  if (!Array.isArray(body.output)) return { ok: false, error: malformedUpstream('no output') };
  const parts = outputParts(body.output);
  const incomplete = isPlainObject(body.incomplete_details) ? body.incomplete_details.reason : undefined;
  const hasToolCalls = parts.some((part) => part.type === 'tool-call');
  return {
    ok: true,
    value: { parts, finish_reason: mapResponsesStatus(body.status, incomplete, hasToolCalls), usage: convertResponsesUsage(body.usage) },
  };
}
