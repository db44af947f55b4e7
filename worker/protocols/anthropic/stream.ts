// Anthropic Messages streams: the decoder (upstream events → canonical events), the encoder
// (canonical events → Anthropic events) and the same-dialect passthrough.
import type { StreamTranslator } from '../types';
import { sseFrame } from '../shared/sse';
import { createPassthroughStream } from '../shared/stream-translator';
import { createAnthropicStreamDecoder } from './stream-decoder';
import { anthropicStreamError } from './stream-encoder';

export { createAnthropicStreamDecoder } from './stream-decoder';
export { anthropicStreamError, createAnthropicStreamEncoder } from './stream-encoder';

/**
 * Frames go out as the upstream sent them, except an event the decoder judged broken (tool
 * arguments that are not JSON): that becomes the client's error event in its place.
 */
export function createAnthropicPassthroughStream(): StreamTranslator {
  return createPassthroughStream(createAnthropicStreamDecoder(), {
    frame: (event, events) => {
      const error = event.event === 'error' ? undefined : events.find((decoded) => decoded.type === 'error');
      return error?.type === 'error' ? anthropicStreamError(error.error).join('') : sseFrame(event.data, event.event);
    },
    closing: [],
    fail: anthropicStreamError,
    isTerminal: (event) => event.event === 'message_stop' || event.event === 'error',
  });
}
