// OpenAI errors met inside an upstream stream. Rendering and classifying the OpenAI error
// wire is shared with the Responses API (shared/openai-errors.ts).
import type { GatewayError } from '../../errors';
import { statusForErrorNames, upstreamErrorFrom } from '../shared/upstream-failure';
import { isPlainObject } from '../shared/validation';

/**
 * An error object an OpenAI-compatible upstream sent inside a stream (`data: {"error":{…}}`):
 * the status it implies (an explicit `status`, else `code` before `type`), then the same rule
 * as a plain error response.
 */
export function openaiErrorFromObject(value: unknown): GatewayError {
  const object = isPlainObject(value) ? value : {};
  const status = typeof object.status === 'number' ? object.status : (statusForErrorNames(object.code, object.type) ?? 502);
  const message = typeof object.message === 'string' ? object.message : 'The upstream reported an error mid-stream.';
  return upstreamErrorFrom(status, message);
}
