// Every client route in one place, each with the authentication of its protocol. The shared
// /v1/models routes decide their protocol per request from the credential style.
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { authenticate } from '../auth/authenticate';
import { handleGenerate } from '../pipeline/generate';
import { keyInfo, keyUsage } from '../accounts/key-routes';
import { anthropicCountTokens, anthropicMessages } from './client-anthropic';
import { geminiMethod } from './client-gemini';
import { countResponseInputTokens, createResponse, storedResponse } from './client-responses';
import { listModels, modelsShapeOf, retrieveModel } from './models';

export const clientRoutes = new Hono<AppEnv>();

const openai = authenticate('openai');
const responses = authenticate('openai-responses');
const anthropic = authenticate('anthropic');
const gemini = authenticate('gemini');
const byCredentialStyle = authenticate(modelsShapeOf);

// OpenAI Chat Completions, embeddings and the key's own account.
clientRoutes.post('/v1/chat/completions', openai, (c) => handleGenerate(c, 'openai', { operation: 'generate' }));
clientRoutes.post('/v1/embeddings', openai, (c) => handleGenerate(c, 'openai', { operation: 'embed' }));
clientRoutes.get('/v1/key', openai, keyInfo);
clientRoutes.get('/v1/usage', openai, keyUsage);

// OpenAI Responses (stateless).
clientRoutes.post('/v1/responses', responses, createResponse);
clientRoutes.post('/v1/responses/input_tokens', responses, countResponseInputTokens);
clientRoutes.get('/v1/responses/:id', responses, storedResponse);
clientRoutes.delete('/v1/responses/:id', responses, storedResponse);
clientRoutes.post('/v1/responses/:id/cancel', responses, storedResponse);
clientRoutes.get('/v1/responses/:id/input_items', responses, storedResponse);

// Anthropic Messages.
clientRoutes.post('/v1/messages', anthropic, anthropicMessages);
clientRoutes.post('/v1/messages/count_tokens', anthropic, anthropicCountTokens);

// Models: /v1 is shared by all three SDKs; /v1beta is Gemini's alone.
clientRoutes.get('/v1/models', byCredentialStyle, listModels);
clientRoutes.get('/v1/models/*', byCredentialStyle, retrieveModel);
clientRoutes.get('/v1beta/models', gemini, listModels);
clientRoutes.get('/v1beta/models/*', gemini, retrieveModel);

// Gemini methods on both API versions.
clientRoutes.post('/v1/models/*', gemini, geminiMethod);
clientRoutes.post('/v1beta/models/*', gemini, geminiMethod);
