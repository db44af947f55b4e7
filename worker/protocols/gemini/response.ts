// Gemini non-streaming responses: read an upstream GenerateContentResponse into the canonical
// model, render the canonical model as one, or pass a same-dialect response through.
//
// Reasoning state: Gemini's `thoughtSignature` belongs to exactly the part that carried it (a
// text part, a functionCall part or a thought part) and goes on that canonical part's `state`.
// A part that carries only a signature (empty text) becomes an empty text part with the state.
import type { CanonicalResponse, FinishReason, ReasoningState, ResponsePart } from '../canonical';
import type { GeminiInbound } from '../inbound';
import type { InboundRequest, ResponseContext, Result, TranslatedResponse } from '../types';
import { ids } from '../shared/ids';
import { editResponseObject } from '../shared/passthrough-body';
import { stateForClient } from '../shared/reasoning-state';
import { malformedUpstream, parseJson } from '../shared/upstream-failure';
import { parseToolArguments } from '../shared/tool-arguments';
import { isPlainObject } from '../shared/validation';
import { convertGeminiUsage, mapGeminiFinishReason, toGeminiFinishReason, toGeminiUsage } from './mapping';

export interface GeminiCandidateReading {
  parts: ResponsePart[];
  finish_reason: FinishReason | null;
  /** Why the candidate cannot be used (e.g. function-call arguments that are not an object), or null. */
  malformed: string | null;
}

function upstreamState(part: Record<string, unknown>): ReasoningState | undefined {
  const value = part.thoughtSignature;
  return typeof value === 'string' && value !== '' ? { dialect: 'gemini', value, kind: 'thought_signature' } : undefined;
}

function readPart(part: Record<string, unknown>, index: number): ResponsePart | string | null {
  const state = upstreamState(part);
  let read: ResponsePart | null = null;
  if (isPlainObject(part.functionCall) && typeof part.functionCall.name === 'string') {
    const args = part.functionCall.args;
    if (args !== undefined && args !== null && !isPlainObject(args)) return `function call ${index} has arguments that are not an object`;
    read = {
      type: 'tool-call',
      id: typeof part.functionCall.id === 'string' ? part.functionCall.id : '',
      name: part.functionCall.name,
      arguments: JSON.stringify(args ?? {}),
    };
  } else if (typeof part.text === 'string') {
    read = part.thought === true ? { type: 'reasoning', text: part.text } : { type: 'text', text: part.text };
  } else if (state) read = { type: 'text', text: '' };
  if (read && state) read.state = state;
  return read;
}

/** The first candidate of one response or stream chunk. */
export function readCandidate(body: Record<string, unknown>): GeminiCandidateReading {
  const candidates = Array.isArray(body.candidates) ? (body.candidates as unknown[]) : [];
  const candidate: unknown = candidates[0];
  if (!isPlainObject(candidate)) {
    const feedback = isPlainObject(body.promptFeedback) ? body.promptFeedback : {};
    return { parts: [], finish_reason: typeof feedback.blockReason === 'string' ? 'content_filter' : null, malformed: null };
  }
  const content = isPlainObject(candidate.content) ? candidate.content : {};
  const parts: ResponsePart[] = [];
  for (const [index, part] of (Array.isArray(content.parts) ? (content.parts as unknown[]) : []).entries()) {
    if (!isPlainObject(part)) continue;
    const read = readPart(part, index);
    if (typeof read === 'string') return { parts, finish_reason: null, malformed: read };
    if (read) parts.push(read);
  }
  let finish = mapGeminiFinishReason(candidate.finishReason);
  // Gemini says STOP after function calls; canonical says tool_calls.
  if (finish === 'stop' && parts.some((part) => part.type === 'tool-call')) finish = 'tool_calls';
  return { parts, finish_reason: finish, malformed: null };
}

export function readGeminiResponse(text: string): Result<CanonicalResponse> {
  const body = parseJson(text);
  if (!isPlainObject(body)) return { ok: false, error: malformedUpstream('not a JSON object') };
  const { parts, finish_reason, malformed } = readCandidate(body);
  if (malformed !== null) return { ok: false, error: malformedUpstream(malformed) };
  return { ok: true, value: { parts, finish_reason, usage: convertGeminiUsage(body.usageMetadata) } };
}

export function wantsThoughts(inbound: GeminiInbound): boolean {
  return inbound.operation === 'generate' && inbound.request.generationConfig?.thinkingConfig?.includeThoughts === true;
}

function signed(part: Record<string, unknown>, state: ReasoningState | undefined): Record<string, unknown> {
  return state ? { ...part, thoughtSignature: stateForClient('gemini', state) } : part;
}

/**
 * Canonical parts as Gemini parts for a Gemini client. A part's state goes on that same part;
 * the state of reasoning the client does not see (no includeThoughts) goes on an empty text
 * part in its place, so that the client's history hands it back where it was.
 */
export function geminiPartsOf(response: CanonicalResponse, showThoughts: boolean): Record<string, unknown>[] {
  const parts: Record<string, unknown>[] = [];
  for (const part of response.parts) {
    if (part.type === 'text') parts.push(signed({ text: part.text }, part.state));
    else if (part.type === 'reasoning') {
      if (showThoughts) parts.push(signed({ text: part.text, thought: true }, part.state));
      else if (part.state) parts.push(signed({ text: '' }, part.state));
    } else {
      // Every reader checked that tool arguments are a JSON object (a malformed answer never gets here).
      const args = parseToolArguments(part.arguments);
      parts.push(signed({ functionCall: { name: part.name, args: args.ok ? args.value : {} } }, part.state));
    }
  }
  return parts;
}

export function renderGeminiResponse(response: CanonicalResponse, inbound: GeminiInbound, context: ResponseContext): string {
  const parts = geminiPartsOf(response, wantsThoughts(inbound));
  const body: Record<string, unknown> = {
    candidates: [
      {
        content: { parts: parts.length > 0 ? parts : [{ text: '' }], role: 'model' },
        finishReason: toGeminiFinishReason(response.finish_reason ?? 'stop'),
        index: 0,
      },
    ],
  };
  if (response.usage) body.usageMetadata = toGeminiUsage(response.usage);
  body.modelVersion = context.model;
  body.responseId = ids.geminiResponse(context.request_id);
  return JSON.stringify(body);
}

export function passthroughGeminiResponse(inbound: InboundRequest, text: string, context: ResponseContext): Result<TranslatedResponse> {
  const body = parseJson(text);
  if (!isPlainObject(body)) return { ok: false, error: malformedUpstream('not a JSON object') };
  if (inbound.operation === 'embed') return { ok: true, value: { body: text, usage: null, finish_reason: null } };
  const edited = editResponseObject(text, { modelVersion: context.model }, {});
  if (edited === null) return { ok: false, error: malformedUpstream('not a JSON object') };
  return {
    ok: true,
    value: { body: edited, usage: convertGeminiUsage(body.usageMetadata), finish_reason: readCandidate(body).finish_reason },
  };
}
