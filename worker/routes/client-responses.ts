// OpenAI's Responses API. Switchboard is stateless: it stores no response, so the routes that
// read, delete or cancel a stored response answer 404 (after authentication, so a wrong key
// is still a 401) with a message telling the client to send the whole input instead.
import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { handleGenerate } from '../pipeline/generate';
import { errorResponse } from '../pipeline/respond';

export function createResponse(c: Context<AppEnv>): Promise<Response> {
  return handleGenerate(c, 'openai-responses', { operation: 'generate' });
}

export function countResponseInputTokens(c: Context<AppEnv>): Promise<Response> {
  return handleGenerate(c, 'openai-responses', { operation: 'count_tokens' });
}

export function storedResponse(c: Context<AppEnv>): Response {
  const id = c.req.param('id') ?? '';
  const shown = id.length > 100 ? `${id.slice(0, 100)}…` : id;
  return errorResponse(c, 'openai-responses', {
    kind: 'not_found',
    message: `No response with id "${shown}": Switchboard stores no responses (it is stateless). Send the full input with each request instead of previous_response_id.`,
  });
}
