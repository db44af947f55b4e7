// Gemini non-streaming responses: read an upstream GenerateContentResponse into the canonical
// model, render the canonical model as one, or pass a same-dialect response through.
import type { CanonicalResponse, FinishReason, ResponsePart } from '../canonical';
import type { InboundRequest, ResponseContext, Result, TranslatedResponse } from '../types';
import { ids } from '../shared/ids';
import { editResponseObject } from '../shared/passthrough-body';
import { malformedUpstream, parseJson } from '../shared/upstream-failure';
import { isPlainObject } from '../shared/validation';
import { convertGeminiUsage, mapGeminiFinishReason, toGeminiFinishReason, toGeminiUsage } from './mapping';

export interface GeminiCandidateReading {
  parts: ResponsePart[];
  finish_reason: FinishReason | null;
}

/** The first candidate of one response or stream chunk. */
export function readCandidate(body: Record<string, unknown>): GeminiCandidateReading {
  const candidates = Array.isArray(body.candidates) ? (body.candidates as unknown[]) : [];
  const candidate: unknown = candidates[0];
  if (!isPlainObject(candidate)) {
    const feedback = isPlainObject(body.promptFeedback) ? body.promptFeedback : {};
    return { parts: [], finish_reason: typeof feedback.blockReason === 'string' ? 'content_filter' : null };
  }
  const content = isPlainObject(candidate.content) ? candidate.content : {};
  const parts: ResponsePart[] = [];
  for (const part of Array.isArray(content.parts) ? (content.parts as unknown[]) : []) {
    if (!isPlainObject(part)) continue;
    if (isPlainObject(part.functionCall) && typeof part.functionCall.name === 'string') {
      parts.push({
        type: 'tool-call',
        id: typeof part.functionCall.id === 'string' ? part.functionCall.id : '',
        name: part.functionCall.name,
        arguments: JSON.stringify(isPlainObject(part.functionCall.args) ? part.functionCall.args : {}),
      });
    } else if (typeof part.text === 'string') {
      parts.push(part.thought === true ? { type: 'reasoning', text: part.text } : { type: 'text', text: part.text });
    }
  }
  let finish = mapGeminiFinishReason(candidate.finishReason);
  // Gemini says STOP after function calls; canonical says tool_calls.
  if (finish === 'stop' && parts.some((part) => part.type === 'tool-call')) finish = 'tool_calls';
  return { parts, finish_reason: finish };
}

export function readGeminiResponse(text: string): Result<CanonicalResponse> {
  const body = parseJson(text);
  if (!isPlainObject(body)) return { ok: false, error: malformedUpstream('not a JSON object') };
  const { parts, finish_reason } = readCandidate(body);
  return { ok: true, value: { parts, finish_reason, usage: convertGeminiUsage(body.usageMetadata) } };
}

export function wantsThoughts(inbound: InboundRequest): boolean {
  const config = inbound.body.generationConfig;
  return isPlainObject(config) && isPlainObject(config.thinkingConfig) && config.thinkingConfig.includeThoughts === true;
}

export function geminiPartsOf(response: CanonicalResponse, showThoughts: boolean): Record<string, unknown>[] {
  const parts: Record<string, unknown>[] = [];
  for (const part of response.parts) {
    if (part.type === 'text') parts.push({ text: part.text });
    else if (part.type === 'reasoning') {
      if (showThoughts) parts.push({ text: part.text, thought: true });
    } else {
      let args: unknown;
      try {
        args = JSON.parse(part.arguments);
      } catch {
        args = {};
      }
      parts.push({ functionCall: { name: part.name, args: isPlainObject(args) ? args : {} } });
    }
  }
  return parts;
}

export function renderGeminiResponse(response: CanonicalResponse, inbound: InboundRequest, context: ResponseContext): string {
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

export function passthroughGeminiResponse(_inbound: InboundRequest, text: string, context: ResponseContext): Result<TranslatedResponse> {
  const body = parseJson(text);
  if (!isPlainObject(body)) return { ok: false, error: malformedUpstream('not a JSON object') };
  const edited = editResponseObject(text, { modelVersion: context.model }, {});
  if (edited === null) return { ok: false, error: malformedUpstream('not a JSON object') };
  return {
    ok: true,
    value: { body: edited, usage: convertGeminiUsage(body.usageMetadata), finish_reason: readCandidate(body).finish_reason },
  };
}
