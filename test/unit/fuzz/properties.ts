// The properties every fuzzer checks, shared by the fixed-budget run (npm test) and the soak
// run: no exception escapes; a refused input is a 4xx-class validation error (never
// `internal`, which would be a 500); an accepted request builds a JSON upstream body for every
// dialect; translated stream frames are complete SSE frames whose data parses; nothing is
// emitted after a terminal frame; an observation never claims a clean finish after an error.
import fc from 'fast-check';
import type { Protocol } from '../../../worker/core/types';
import { errorStatus, type GatewayError } from '../../../worker/errors';
import { buildUpstreamRequest, createStreamTranslator, parseInbound } from '../../../worker/protocols/index';
import type { InboundRequest, RouteContext, SourceEvent, StreamTranslator } from '../../../worker/protocols/types';
import { context, target } from '../../support/protocol-helpers';
import { validateConfig } from '../../../worker/config/schema';
import { applyMutations, mutations, type Json, type Mutation } from './arbitraries';
import { PROTOCOLS } from './seeds';

/** A refusal the client would see as a 4xx; anything else is a finding. */
function expectClientError(error: GatewayError, where: string): void {
  const status = errorStatus(error);
  if (error.kind === 'internal' || status < 400 || status >= 500) {
    throw new Error(`${where}: refused with ${error.kind} (${status}): ${error.message}`);
  }
}

/** parseInbound, then buildUpstreamRequest (toCanonical and the builder) to every dialect. */
export function checkRequest(protocol: Protocol, body: Json, route: RouteContext): InboundRequest | null {
  const raw = JSON.stringify(body);
  const parsed = parseInbound(protocol, JSON.parse(raw), raw, route);
  if (!parsed.ok) {
    expectClientError(parsed.error, `parseInbound(${protocol})`);
    return null;
  }
  if (parsed.value.operation === 'count_tokens') return parsed.value;
  for (const dialect of PROTOCOLS) {
    const built = buildUpstreamRequest(parsed.value, target(dialect));
    if (!built.ok) {
      expectClientError(built.error, `buildUpstreamRequest(${protocol} → ${dialect})`);
      continue;
    }
    JSON.parse(built.value.body);
    new URL(built.value.url);
  }
  return parsed.value;
}

/** Is this client frame the last a stream may carry? */
function isTerminal(client: Protocol, frame: string): boolean {
  const event = /^event: (.*)$/m.exec(frame)?.[1];
  const data = /^data: (.*)$/m.exec(frame)?.[1] ?? '';
  switch (client) {
    case 'openai':
      return data === '[DONE]';
    case 'anthropic':
      return event === 'message_stop' || event === 'error';
    case 'openai-responses':
      return event === 'response.completed' || event === 'response.failed' || event === 'response.incomplete' || event === 'error';
    case 'gemini':
      return data.startsWith('{"error"');
  }
}

/** Each frame is `event:`/`data:` lines ending in a blank line, and its data is JSON (or [DONE]). */
function checkFrame(frame: string): void {
  if (!frame.endsWith('\n\n')) throw new Error(`frame not terminated: ${JSON.stringify(frame.slice(0, 200))}`);
  const lines = frame.slice(0, -2).split('\n');
  const data: string[] = [];
  for (const line of lines) {
    if (line.startsWith('data: ')) data.push(line.slice(6));
    else if (!line.startsWith('event: ') && !line.startsWith(':')) throw new Error(`stray line in frame: ${JSON.stringify(line.slice(0, 200))}`);
  }
  if (data.length === 0) throw new Error(`frame without data: ${JSON.stringify(frame.slice(0, 200))}`);
  const text = data.join('\n');
  if (text !== '[DONE]') JSON.parse(text);
}

export type Ending = 'end' | 'fail' | 'cut';

const BROKEN: GatewayError = { kind: 'upstream', status: 502, error_class: 'mid_stream', message: 'Upstream stream broke.' };

/** Feed `events` to a client ← dialect translator and check every frame and observation. */
export function checkStream(client: Protocol, dialect: Protocol, request: InboundRequest, events: SourceEvent[], ending: Ending): string[] {
  const translator: StreamTranslator = createStreamTranslator(request, dialect, context);
  const emitted: string[] = [];
  let terminal = false;
  let errored = false;
  const take = (frames: string[], step: string) => {
    if (terminal && frames.length > 0) throw new Error(`${step}: ${frames.length} frame(s) after the terminal frame: ${JSON.stringify(frames[0]!.slice(0, 200))}`);
    for (const frame of frames) {
      checkFrame(frame);
      if (terminal) throw new Error(`${step}: a frame after the terminal frame in one batch`);
      terminal = isTerminal(client, frame);
    }
    emitted.push(...frames);
    const observation = translator.observation;
    if (observation.upstream_error !== null) {
      errored = true;
      // An upstream's own error is an upstream-class status (it may be a 5xx: the channel's
      // fault); what must never appear is the gateway's own `internal`.
      if (observation.upstream_error.kind === 'internal') throw new Error(`${step}: observation holds an internal error: ${observation.upstream_error.message}`);
    }
    if (errored && observation.completed) throw new Error(`${step}: observation claims completed after an error`);
  };
  events.forEach((event, index) => take(translator.push(event), `push #${index}`));
  if (ending === 'end') take(translator.end(), 'end');
  if (ending === 'fail') take(translator.fail(BROKEN), 'fail');
  return emitted;
}

export type EventEdit =
  | { kind: 'drop' | 'duplicate' | 'swap' | 'truncate' | 'garbage' | 'rename'; at: number; text: string }
  | { kind: 'mutate'; at: number; edits: Mutation[] };

export const eventEdit: fc.Arbitrary<EventEdit> = fc.oneof(
  fc.record({ kind: fc.constantFrom('drop', 'duplicate', 'swap', 'truncate', 'garbage', 'rename' as const), at: fc.nat(), text: fc.string({ unit: 'binary', maxLength: 30 }) }),
  fc.record({ kind: fc.constant('mutate' as const), at: fc.nat(), edits: mutations }),
);

/** A recorded stream with events dropped, duplicated, reordered, cut short or mutated. */
export function editEvents(seed: readonly SourceEvent[], edits: readonly EventEdit[]): SourceEvent[] {
  const events = seed.map((event) => ({ ...event }));
  for (const edit of edits) {
    if (events.length === 0) break;
    const index = edit.at % events.length;
    const event = events[index]!;
    switch (edit.kind) {
      case 'drop':
        events.splice(index, 1);
        break;
      case 'duplicate':
        events.splice(index, 0, { ...event });
        break;
      case 'swap': {
        const other = (edit.at >> 4) % events.length;
        [events[index], events[other]] = [events[other]!, event];
        break;
      }
      case 'truncate':
        event.data = event.data.slice(0, edit.at % (event.data.length + 1));
        break;
      case 'garbage':
        event.data = edit.text;
        break;
      case 'rename':
        event.event = edit.text;
        break;
      case 'mutate': {
        let parsed: Json;
        try {
          parsed = JSON.parse(event.data) as Json;
        } catch {
          break;
        }
        event.data = JSON.stringify(applyMutations(parsed, edit.edits));
        break;
      }
    }
  }
  return events;
}

/** validateConfig never throws; what it accepts it accepts again (validation is stable). */
export function checkConfig(document: Json): void {
  const result = validateConfig(document);
  if (result.ok) {
    const again = validateConfig(JSON.parse(JSON.stringify(result.value)));
    if (!again.ok) throw new Error(`accepted config rejected on re-validation at ${again.error.path}: ${again.error.message}`);
  } else if (typeof result.error.path !== 'string' || typeof result.error.message !== 'string' || result.error.message === '') {
    throw new Error('a refusal without a path or message');
  }
}
