// Gemini generateContent request bodies: strict on what Switchboard reads, loose elsewhere.
import { z } from 'zod';

const record = z.record(z.string(), z.unknown());

export const geminiPart = z
  .object({
    text: z.string().optional(),
    thought: z.boolean().optional(),
    thoughtSignature: z.string().optional(),
    inlineData: z.object({ mimeType: z.string().min(1), data: z.string() }).loose().optional(),
    fileData: z.object({ mimeType: z.string().optional(), fileUri: z.string().min(1) }).loose().optional(),
    functionCall: z.object({ id: z.string().optional(), name: z.string().min(1), args: record.optional() }).loose().optional(),
    functionResponse: z.object({ id: z.string().optional(), name: z.string().min(1), response: record }).loose().optional(),
  })
  .loose();

const content = z
  .object({
    role: z.enum(['user', 'model', 'function']).optional(),
    parts: z.array(geminiPart).min(1),
  })
  .loose();

const functionDeclaration = z
  .object({
    name: z.string().min(1).max(128),
    description: z.string().optional(),
    parameters: record.optional(),
    parametersJsonSchema: record.optional(),
  })
  .loose();

const tool = z.object({ functionDeclarations: z.array(functionDeclaration).optional() }).loose();

const generationConfig = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    topP: z.number().min(0).max(1).optional(),
    topK: z.int().min(0).max(1_000_000).optional(),
    maxOutputTokens: z.int().min(1).max(10_000_000).optional(),
    stopSequences: z.array(z.string()).max(16).optional(),
    candidateCount: z.int().min(1).max(8).optional(),
    responseMimeType: z.string().optional(),
    responseSchema: record.optional(),
    responseJsonSchema: record.optional(),
    seed: z.int().optional(),
    presencePenalty: z.number().min(-2).max(2).optional(),
    frequencyPenalty: z.number().min(-2).max(2).optional(),
    thinkingConfig: z
      .object({ thinkingBudget: z.int().min(-1).max(10_000_000).optional(), includeThoughts: z.boolean().optional() })
      .loose()
      .optional(),
  })
  .loose();

export const geminiGenerateRequest = z
  .object({
    contents: z.array(content).min(1),
    systemInstruction: z.object({ parts: z.array(z.object({ text: z.string() }).loose()) }).loose().optional(),
    tools: z.array(tool).max(128).optional(),
    toolConfig: z
      .object({
        functionCallingConfig: z
          .object({
            mode: z.enum(['AUTO', 'ANY', 'NONE', 'VALIDATED', 'MODE_UNSPECIFIED']).optional(),
            allowedFunctionNames: z.array(z.string()).optional(),
          })
          .loose()
          .optional(),
      })
      .loose()
      .optional(),
    generationConfig: generationConfig.optional(),
    cachedContent: z.string().optional(),
  })
  .loose();

export type GeminiGenerateRequest = z.output<typeof geminiGenerateRequest>;
export type GeminiPart = z.output<typeof geminiPart>;

/** `:countTokens`: either bare `contents` or a whole `generateContentRequest`. */
export const geminiCountTokensRequest = z
  .object({
    contents: z.array(content).min(1).optional(),
    generateContentRequest: geminiGenerateRequest.optional(),
  })
  .loose()
  .refine((body) => body.contents !== undefined || body.generateContentRequest !== undefined, {
    message: 'Either contents or generateContentRequest is required.',
    path: ['contents'],
  });

const embedContentRequest = z
  .object({
    model: z.string().max(300).optional(),
    content: z.object({ parts: z.array(z.object({ text: z.string() }).loose()).min(1) }).loose(),
    taskType: z.string().optional(),
    title: z.string().optional(),
    outputDimensionality: z.int().min(1).max(65_536).optional(),
  })
  .loose();

/** `:embedContent`. */
export const geminiEmbedRequest = embedContentRequest;
/** `:batchEmbedContents`. */
export const geminiBatchEmbedRequest = z.object({ requests: z.array(embedContentRequest).min(1).max(2048) }).loose();

export type GeminiCountTokensRequest = z.output<typeof geminiCountTokensRequest>;
export type GeminiEmbedRequest = z.output<typeof geminiEmbedRequest>;
export type GeminiBatchEmbedRequest = z.output<typeof geminiBatchEmbedRequest>;
