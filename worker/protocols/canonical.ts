// The one canonical request / response / stream-event model every wire format maps to and
// from. Cross-dialect translation is always client format → canonical → upstream dialect,
// and upstream dialect → canonical → client format; same-dialect traffic skips it entirely.
import type { Protocol, Usage } from '../core/types';
import type { GatewayError } from '../errors';

export type ImageSource =
  | { kind: 'url'; url: string }
  | { kind: 'base64'; media_type: string; data: string };

export interface TextPart {
  type: 'text';
  text: string;
  /** Opaque reasoning state the upstream attached to exactly this part (Gemini `thoughtSignature`). */
  state?: ReasoningState;
}

export interface ImagePart {
  type: 'image';
  source: ImageSource;
}

export interface ToolCallPart {
  type: 'tool-call';
  id: string;
  name: string;
  /** The arguments as JSON text, exactly as the model produced them. */
  arguments: string;
  /** Opaque reasoning state the upstream attached to exactly this part (Gemini `thoughtSignature`). */
  state?: ReasoningState;
}

export interface ToolResultPart {
  type: 'tool-result';
  tool_call_id: string;
  /** Text, or text and images (Anthropic tool results may carry images). */
  content: (TextPart | ImagePart)[];
  is_error: boolean;
}

/**
 * Opaque reasoning state only the dialect that made it can read back: Anthropic's thinking
 * `signature` and `redacted_thinking` data, a Responses reasoning item's `encrypted_content`
 * (and its id), Gemini's `thoughtSignature`. It is sent back only to a channel of the same
 * dialect and stripped for any other (worker/protocols/shared/reasoning-state.ts).
 */
export interface ReasoningState {
  dialect: Protocol;
  /** The opaque value exactly as the upstream sent it. */
  value: string;
  /** Anthropic `redacted_thinking` (value is its `data`); Responses reasoning item id; etc. */
  kind?: 'signature' | 'redacted' | 'encrypted' | 'thought_signature';
  /** The Responses reasoning item id, when it had one. */
  id?: string;
}

export interface ReasoningPart {
  type: 'reasoning';
  /** Readable reasoning (thinking text, or a Responses summary); '' when only opaque state came. */
  text: string;
  /** Opaque state that came with this reasoning, if any. */
  state?: ReasoningState;
}

export type UserPart = TextPart | ImagePart | ToolResultPart;
export type AssistantPart = TextPart | ToolCallPart | ReasoningPart;

export type CanonicalMessage =
  | { role: 'user'; parts: UserPart[] }
  | { role: 'assistant'; parts: AssistantPart[] };

export interface CanonicalTool {
  name: string;
  description?: string;
  /** JSON Schema of the arguments (an object schema). */
  parameters: Record<string, unknown>;
}

export type ToolChoice = { type: 'auto' } | { type: 'none' } | { type: 'required' } | { type: 'tool'; name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json' }
  | { type: 'json-schema'; name: string; schema: Record<string, unknown>; strict: boolean };

export type ReasoningEffort = 'minimal' | 'low' | 'medium' | 'high';

export interface ReasoningConfig {
  effort?: ReasoningEffort;
  budget_tokens?: number;
}

export interface CanonicalRequest {
  system: string | null;
  messages: CanonicalMessage[];
  tools: CanonicalTool[];
  tool_choice: ToolChoice | null;
  /** False when the client forbade parallel tool calls. */
  parallel_tool_calls: boolean | null;
  max_output_tokens: number | null;
  temperature: number | null;
  top_p: number | null;
  top_k: number | null;
  stop: string[];
  seed: number | null;
  presence_penalty: number | null;
  frequency_penalty: number | null;
  response_format: ResponseFormat | null;
  reasoning: ReasoningConfig | null;
  stream: boolean;
  user: string | null;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error';

export type ResponsePart = TextPart | ToolCallPart | ReasoningPart;

export interface CanonicalResponse {
  parts: ResponsePart[];
  finish_reason: FinishReason | null;
  usage: Usage | null;
}

export type CanonicalStreamEvent =
  | { type: 'message-start' }
  | { type: 'text-delta'; text: string }
  | { type: 'reasoning-delta'; text: string }
  /** Opaque reasoning state for the reasoning (or, for Gemini, the part) being streamed. */
  | { type: 'reasoning-state'; state: ReasoningState }
  /** `index` counts tool calls within the answer (0, 1, …), not content blocks. */
  | { type: 'tool-call-start'; index: number; id: string; name: string }
  | { type: 'tool-call-delta'; index: number; arguments: string }
  | { type: 'tool-call-end'; index: number }
  /** Cumulative usage so far; later events replace earlier ones. */
  | { type: 'usage'; usage: Usage }
  /** The upstream's terminal event: the answer is complete. */
  | { type: 'finish'; finish_reason: FinishReason }
  | { type: 'error'; error: GatewayError };

export interface CanonicalEmbeddingRequest {
  inputs: string[];
  dimensions: number | null;
}

export interface CanonicalEmbeddingResponse {
  vectors: number[][];
  usage: Usage | null;
}

