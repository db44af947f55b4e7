// Responses API errors met inside a stream. The wire body of an error response is Chat's
// (`{"error":{message,type,param,code}}`): rendering and classifying it is shared
// (shared/openai-errors.ts). An in-stream error object carries a code, not a status: we infer one.
import type { GatewayError } from '../../errors';
import { statusForErrorNames, upstreamErrorFrom } from '../shared/upstream-failure';
import { isPlainObject } from '../shared/validation';

/**
 * Codes only a Responses stream uses (ResponseError.code: invalid_prompt, invalid_image_url,
 * image_too_large, bio_policy, …): all of them are about the caller's input, a 400.
 */
const INPUT_CODES = /invalid|image|policy|misalignment|data_residency|empty_/;

/** The HTTP status an upstream would have answered with for this error code or type. */
export function statusForErrorCode(code: unknown, type: unknown): number {
  const known = statusForErrorNames(code, type);
  if (known !== undefined) return known;
  const name = `${typeof code === 'string' ? code : ''} ${typeof type === 'string' ? type : ''}`.toLowerCase();
  return INPUT_CODES.test(name) ? 400 : 502;
}

/**
 * An error object met inside an upstream Responses stream: `response.failed`'s
 * `response.error` ({code, message}) or an `error` event ({code, message, param}). It takes
 * the same status → class → blame rule as an HTTP error (buildFailure), so a refused
 * credential mid-stream blames the channel exactly as a 401 before the stream would.
 */
export function responsesErrorFromObject(value: unknown): GatewayError {
  let object = isPlainObject(value) ? value : {};
  if (isPlainObject(object.error)) object = object.error;
  const status = typeof object.status === 'number' ? object.status : statusForErrorCode(object.code, object.type);
  const message = typeof object.message === 'string' ? object.message : 'The upstream reported an error mid-stream.';
  return upstreamErrorFrom(status, message);
}
