// OpenAI Responses API typed stream events → canonical stream events. The SSE `event:` name
// and the JSON `type` always agree; only `type` is read, so servers that omit `event:` work.
import type { StreamDecoder } from '../adapter';
import type { CanonicalStreamEvent } from '../canonical';
import type { SourceEvent } from '../types';
import { isPlainObject } from '../shared/validation';
import { responsesErrorFromObject } from './errors';
import { convertResponsesUsage, mapResponsesStatus } from './mapping';
import { SUMMARY_SEPARATOR } from './response-read';

/** Where the upstream stream stands: what a failure frame needs to continue it coherently. */
export interface ResponsesStreamPosition {
  response_id: string | null;
  created_at: number | null;
  /** The last `sequence_number` seen, or null before any. */
  sequence_number: number | null;
}

export interface ResponsesStreamDecoder extends StreamDecoder {
  position(): ResponsesStreamPosition;
}

interface OpenCall {
  ordinal: number;
  /** True once any argument text was emitted for this call. */
  emitted: boolean;
}

type Event = Record<string, unknown>;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

export function createResponsesStreamDecoder(): ResponsesStreamDecoder {
  const position: ResponsesStreamPosition = { response_id: null, created_at: null, sequence_number: null };
  let started = false;
  let terminated = false;
  let nextOrdinal = 0;
  /** Function-call item id → its call; output_index → item id, for events that carry only one. */
  const calls = new Map<string, OpenCall>();
  const itemAt = new Map<number, string>();

  const start = (events: CanonicalStreamEvent[]): CanonicalStreamEvent[] => {
    if (!started) {
      started = true;
      events.unshift({ type: 'message-start' });
    }
    return events;
  };
  const itemKey = (event: Event): string | null => {
    if (typeof event.item_id === 'string') return event.item_id;
    if (typeof event.output_index === 'number') return itemAt.get(event.output_index) ?? null;
    return null;
  };
  const openCall = (item: Event, event: Event, events: CanonicalStreamEvent[]): OpenCall => {
    const key = typeof item.id === 'string' ? item.id : `#${String(event.output_index)}`;
    const known = typeof event.output_index === 'number' ? itemAt.get(event.output_index) : undefined;
    const existing = calls.get(key) ?? (known === undefined ? undefined : calls.get(known));
    if (existing) return existing;
    const call: OpenCall = { ordinal: nextOrdinal, emitted: false };
    nextOrdinal += 1;
    calls.set(key, call);
    if (typeof event.output_index === 'number') itemAt.set(event.output_index, key);
    events.push({ type: 'tool-call-start', index: call.ordinal, id: text(item.call_id), name: text(item.name) });
    return call;
  };
  const argumentsOnce = (call: OpenCall, value: string, events: CanonicalStreamEvent[]): void => {
    // Arguments that arrive only whole (no deltas) are sent as one delta.
    if (call.emitted || value === '') return;
    call.emitted = true;
    events.push({ type: 'tool-call-delta', index: call.ordinal, arguments: value });
  };
  const closeCalls = (events: CanonicalStreamEvent[]): void => {
    for (const call of calls.values()) events.push({ type: 'tool-call-end', index: call.ordinal });
    calls.clear();
  };

  const itemAdded = (event: Event): CanonicalStreamEvent[] => {
    const item = isPlainObject(event.item) ? event.item : {};
    if (item.type !== 'function_call') return [];
    const events: CanonicalStreamEvent[] = [];
    const call = openCall(item, event, events);
    argumentsOnce(call, text(item.arguments), events);
    return start(events);
  };
  const itemDone = (event: Event): CanonicalStreamEvent[] => {
    const item = isPlainObject(event.item) ? event.item : {};
    const events: CanonicalStreamEvent[] = [];
    if (item.type === 'function_call') {
      const call = openCall(item, event, events);
      argumentsOnce(call, text(item.arguments), events);
      events.push({ type: 'tool-call-end', index: call.ordinal });
      for (const [key, open] of calls) if (open === call) calls.delete(key);
      return start(events);
    }
    // Only the finished item's encrypted_content is complete (the added event's may not be).
    if (item.type === 'reasoning' && typeof item.encrypted_content === 'string' && item.encrypted_content !== '') {
      const state = { dialect: 'openai-responses' as const, value: item.encrypted_content, kind: 'encrypted' as const };
      events.push({ type: 'reasoning-state', state: typeof item.id === 'string' ? { ...state, id: item.id } : state });
    }
    return events.length > 0 ? start(events) : events;
  };
  const argumentsDelta = (event: Event): CanonicalStreamEvent[] => {
    const key = itemKey(event);
    const call = key === null ? undefined : calls.get(key);
    const delta = text(event.delta);
    if (!call || delta === '') return [];
    call.emitted = true;
    return [{ type: 'tool-call-delta', index: call.ordinal, arguments: delta }];
  };
  const argumentsDone = (event: Event): CanonicalStreamEvent[] => {
    const key = itemKey(event);
    const call = key === null ? undefined : calls.get(key);
    const events: CanonicalStreamEvent[] = [];
    if (call) argumentsOnce(call, text(event.arguments), events);
    return events;
  };
  const finished = (event: Event, fallbackStatus: string): CanonicalStreamEvent[] => {
    terminated = true;
    const response = isPlainObject(event.response) ? event.response : {};
    const output = Array.isArray(response.output) ? response.output : [];
    const hasToolCalls = nextOrdinal > 0 || output.some((item: unknown) => isPlainObject(item) && item.type === 'function_call');
    const events: CanonicalStreamEvent[] = [];
    closeCalls(events);
    const usage = convertResponsesUsage(response.usage);
    if (usage) events.push({ type: 'usage', usage });
    const incomplete = isPlainObject(response.incomplete_details) ? response.incomplete_details.reason : undefined;
    const reason = mapResponsesStatus(response.status, incomplete, hasToolCalls) ?? mapResponsesStatus(fallbackStatus, incomplete, hasToolCalls);
    events.push({ type: 'finish', finish_reason: reason ?? 'stop' });
    return start(events);
  };
  const remember = (event: Event): void => {
    if (typeof event.sequence_number === 'number') position.sequence_number = event.sequence_number;
    const response = isPlainObject(event.response) ? event.response : null;
    if (response && typeof response.id === 'string') position.response_id = response.id;
    if (response && typeof response.created_at === 'number') position.created_at = response.created_at;
  };

  const decode = (event: Event): CanonicalStreamEvent[] => {
    switch (event.type) {
      case 'response.created':
        return start([]);
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        return text(event.delta) === '' ? [] : start([{ type: 'text-delta', text: text(event.delta) }]);
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        return text(event.delta) === '' ? [] : start([{ type: 'reasoning-delta', text: text(event.delta) }]);
      case 'response.reasoning_summary_part.added':
        // Later summaries of one item are separate paragraphs, as response-read joins them.
        return typeof event.summary_index === 'number' && event.summary_index > 0 ? start([{ type: 'reasoning-delta', text: SUMMARY_SEPARATOR }]) : [];
      case 'response.output_item.added':
        return itemAdded(event);
      case 'response.function_call_arguments.delta':
        return argumentsDelta(event);
      case 'response.function_call_arguments.done':
        return argumentsDone(event);
      case 'response.output_item.done':
        return itemDone(event);
      case 'response.completed':
        return finished(event, 'completed');
      case 'response.incomplete':
        return finished(event, 'incomplete');
      case 'response.failed': {
        const response = isPlainObject(event.response) ? event.response : {};
        return [{ type: 'error', error: responsesErrorFromObject(response.error) }];
      }
      case 'error':
        // The error event carries code and message at the top level; some servers nest them.
        return [{ type: 'error', error: responsesErrorFromObject(isPlainObject(event.error) ? event.error : event) }];
      case undefined:
        // A Chat-style `{"error":{…}}` from an OpenAI-compatible server.
        return isPlainObject(event.error) ? [{ type: 'error', error: responsesErrorFromObject(event.error) }] : [];
      default:
        // in_progress, content_part.*, *.done texts, hosted-tool progress and the like.
        return [];
    }
  };

  return {
    push(source: SourceEvent): CanonicalStreamEvent[] {
      const data = source.data.trim();
      if (terminated || data === '[DONE]') return [];
      // Unreadable data throws: the stream translator turns it into the client's error event.
      const event: unknown = JSON.parse(data);
      if (!isPlainObject(event)) throw new Error('event is not a JSON object');
      remember(event);
      return decode(event);
    },
    end: () => [],
    endsCleanly: () => terminated,
    position: () => ({ ...position }),
  };
}
