// The error bodies real providers send for a status, word for word where we know them, for
// `stream_error_status`: a bad key, a rate limit, an outage, seen in-stream or as a status.
// Gateways classify errors by these fields (OpenAI's 401 is type invalid_request_error with
// code invalid_api_key, which is the regression case), so the exact values matter.

export interface OpenaiErrorObject {
  message: string;
  type: string;
  param: null;
  code: string | null;
}

const OPENAI: Record<number, Omit<OpenaiErrorObject, 'param'>> = {
  400: { message: "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)", type: 'invalid_request_error', code: null },
  401: {
    message: 'Incorrect API key provided: sk-****1234. You can find your API key at https://platform.openai.com/account/api-keys.',
    type: 'invalid_request_error',
    code: 'invalid_api_key',
  },
  403: { message: 'Country, region, or territory not supported', type: 'request_forbidden', code: 'unsupported_country_region_territory' },
  404: { message: 'The model does not exist or you do not have access to it.', type: 'invalid_request_error', code: 'model_not_found' },
  429: { message: 'Rate limit reached for requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.', type: 'requests', code: 'rate_limit_exceeded' },
  503: { message: 'The engine is currently overloaded, please try again later', type: 'server_error', code: null },
};

/** OpenAI's `error` object for a status (Chat Completions and Responses share it). */
export function openaiServiceError(status: number): OpenaiErrorObject {
  const known = OPENAI[status];
  // Field order as OpenAI writes it: message, type, param, code.
  if (known) return { message: known.message, type: known.type, param: null, code: known.code };
  if (status >= 500) return { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: 'server_error' };
  return { message: `Request failed with status ${status}.`, type: 'invalid_request_error', param: null, code: null };
}

const ANTHROPIC: Record<number, string> = {
  400: 'Invalid request',
  401: 'invalid x-api-key',
  402: 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
  403: 'Your API key does not have permission to use the specified resource.',
  404: 'Not found',
  413: 'Request exceeds the maximum allowed number of bytes.',
  429: "This request would exceed your organization's rate limit. Please reduce the prompt length or the maximum tokens requested, or try again later.",
  500: 'Internal server error',
  504: 'Request timed out',
  529: 'Overloaded',
};

/** Anthropic's message for a status; the error type comes from the dialect's status table. */
export function anthropicServiceMessage(status: number): string {
  return ANTHROPIC[status] ?? (status >= 500 ? 'Internal server error' : 'Invalid request');
}

const GEMINI: Record<number, string> = {
  400: 'Request contains an invalid argument.',
  401: 'API key not valid. Please pass a valid API key.',
  403: 'The caller does not have permission',
  404: 'Requested entity was not found.',
  429: 'Resource has been exhausted (e.g. check quota).',
  500: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  503: 'The model is overloaded. Please try again later.',
  504: 'Deadline expired before operation could complete.',
};

/** Gemini's message for a status; the status name comes from the dialect's table. */
export function geminiServiceMessage(status: number): string {
  return GEMINI[status] ?? (status >= 500 ? GEMINI[500]! : GEMINI[400]!);
}
