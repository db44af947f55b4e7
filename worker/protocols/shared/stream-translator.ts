// Two ways to run a stream: translated (upstream decoder → canonical events → client encoder)
// and passthrough (upstream frames re-emitted as they came, decoded only to observe). Both
// gather the StreamObservation the pipeline logs, and neither throws.
import type { GatewayError } from '../../errors';
import type { StreamDecoder, StreamEncoder } from '../adapter';
import type { CanonicalStreamEvent } from '../canonical';
import type { SourceEvent, StreamObservation, StreamTranslator } from '../types';
import { malformedUpstream, safeMessage } from './upstream-failure';

/**
 * The client sees a generic message for an upstream event we could not read; the detail
 * (a parser's message, which may quote the upstream's bytes) goes to the log only.
 */
export function unreadableEvent(caught: unknown): GatewayError {
  const detail = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
  console.error(`upstream stream event could not be read: ${safeMessage(detail)}`);
  return malformedUpstream('an event could not be read');
}

export function createObservation(): StreamObservation {
  return { first_token: false, usage: null, finish_reason: null, upstream_error: null, completed: false, output_characters: 0 };
}

export function observe(observation: StreamObservation, event: CanonicalStreamEvent): void {
  switch (event.type) {
    case 'text-delta':
    case 'reasoning-delta':
      observation.first_token = true;
      observation.output_characters += event.text.length;
      return;
    case 'tool-call-start':
      observation.first_token = true;
      observation.output_characters += event.name.length;
      return;
    case 'tool-call-delta':
      observation.output_characters += event.arguments.length;
      return;
    case 'usage':
      observation.usage = event.usage;
      return;
    case 'finish':
      observation.finish_reason = event.finish_reason;
      observation.completed = true;
      return;
    case 'error':
      recordError(observation, event.error);
      return;
    case 'message-start':
    case 'tool-call-end':
      return;
  }
}

/**
 * An error ends any claim of a clean finish, even one made earlier in the stream (an OpenAI
 * finish chunk followed by an unreadable usage chunk): the client got an error event, and the
 * attempt is logged and billed as broken (regression: fuzz-completed-after-error).
 */
function recordError(observation: StreamObservation, error: GatewayError): void {
  observation.upstream_error = error;
  observation.completed = false;
}

function safely<T>(run: () => T[], onError: (error: GatewayError) => T[]): T[] {
  try {
    return run();
  } catch (caught) {
    return onError(unreadableEvent(caught));
  }
}

/** Cross-dialect: every upstream event is decoded and re-encoded as it arrives, nothing buffered. */
export function createTranslatingStream(decoder: StreamDecoder, encoder: StreamEncoder): StreamTranslator {
  const observation = createObservation();
  let closed = false;

  const handle = (events: CanonicalStreamEvent[]): string[] => {
    const frames: string[] = [];
    for (const event of events) {
      if (closed) break;
      observe(observation, event);
      if (event.type === 'error') {
        closed = true;
        frames.push(...encoder.fail(event.error));
        break;
      }
      frames.push(...encoder.encode(event));
      if (encoder.failure) {
        recordError(observation, encoder.failure);
        closed = true;
        break;
      }
      if (event.type === 'finish') closed = true;
    }
    return frames;
  };
  const failWith = (error: GatewayError): string[] => {
    if (closed) return [];
    recordError(observation, error);
    closed = true;
    return safely(() => encoder.fail(error), () => []);
  };

  const settle = (frames: string[]): string[] => {
    if (!observation.upstream_error && decoder.endsCleanly()) observation.completed = true;
    return frames;
  };

  return {
    observation,
    push: (event: SourceEvent) => (closed ? [] : settle(safely(() => handle(decoder.push(event)), failWith))),
    end: () => (closed ? [] : safely(() => handle(decoder.end()), failWith)),
    fail: (error: GatewayError) => {
      if (closed) return [];
      closed = true;
      return safely(() => encoder.fail(error), () => []);
    },
  };
}

export interface PassthroughFraming {
  /** The frame to re-emit for an upstream event (null drops it); `events` is what it decoded to. */
  frame(event: SourceEvent, events: CanonicalStreamEvent[]): string | null;
  /** Frames to close a stream whose upstream ended without its own terminal marker. */
  closing: string[];
  fail(error: GatewayError): string[];
  /**
   * Is this upstream event the dialect's last (OpenAI `[DONE]`, Anthropic `message_stop`, a
   * Responses terminal event)? Nothing is forwarded after it, whatever the upstream sends on
   * (regression: fuzz-frames-after-terminal).
   */
  isTerminal?(event: SourceEvent, events: CanonicalStreamEvent[]): boolean;
}

/** Same dialect: frames go out unchanged; decoding only feeds the observation. */
export function createPassthroughStream(decoder: StreamDecoder, framing: PassthroughFraming): StreamTranslator {
  const observation = createObservation();
  let closed = false;

  let terminated = false;
  const record = (events: CanonicalStreamEvent[]): void => {
    for (const event of events) {
      observe(observation, event);
      if (event.type === 'error') closed = true;
      if (event.type === 'finish') terminated = true;
    }
    if (!observation.upstream_error && decoder.endsCleanly()) observation.completed = true;
  };

  return {
    observation,
    push(event: SourceEvent): string[] {
      if (closed) return [];
      let events: CanonicalStreamEvent[];
      try {
        events = decoder.push(event);
      } catch (caught) {
        // Unreadable upstream data: end the client's stream with its own error event.
        const error = unreadableEvent(caught);
        recordError(observation, error);
        closed = true;
        return framing.fail(error);
      }
      record(events);
      const frame = framing.frame(event, events);
      if (framing.isTerminal?.(event, events)) {
        closed = true;
        terminated = true;
      }
      return frame === null ? [] : [frame];
    },
    end(): string[] {
      if (closed || terminated) return [];
      let events: CanonicalStreamEvent[] = [];
      try {
        events = decoder.end();
      } catch {
        events = [];
      }
      record(events);
      terminated = true;
      return observation.completed ? framing.closing : [];
    },
    fail(error: GatewayError): string[] {
      if (closed || terminated) return [];
      closed = true;
      return framing.fail(error);
    },
  };
}
