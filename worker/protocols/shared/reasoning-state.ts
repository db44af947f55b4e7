// Opaque reasoning state across dialects. Each provider returns state only it can read back
// (Anthropic thinking `signature` and `redacted_thinking`, Responses `encrypted_content`,
// Gemini `thoughtSignature`). Same-dialect traffic carries it byte-exact (passthrough). Across
// dialects, the state is handed to the client inside the client format's own field, wrapped
// in an envelope naming the dialect that made it, so that when the client sends its history
// back we know where the state may go: unwrapped to a channel of that dialect, stripped for
// any other. A value without the envelope is the client format's own native state.
import type { Protocol } from '../../core/types';
import type { ReasoningState } from '../canonical';

export const STATE_ENVELOPE_PREFIX = 'sb1.';
const PREFIX = STATE_ENVELOPE_PREFIX;
const DIALECTS: ReadonlySet<string> = new Set<Protocol>(['openai', 'openai-responses', 'anthropic', 'gemini']);

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): string | null {
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (character) => character.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * The value to put in a client's field for this state: the raw value when the client speaks
 * the dialect that made it, else an envelope `sb1.<base64url of JSON>`.
 */
export function stateForClient(client: Protocol, state: ReasoningState): string {
  if (state.dialect === client) return state.value;
  const payload: Record<string, string> = { d: state.dialect, v: state.value };
  if (state.kind !== undefined) payload.k = state.kind;
  if (state.id !== undefined) payload.i = state.id;
  return PREFIX + toBase64Url(JSON.stringify(payload));
}

/**
 * Reads a state value a client sent back in its own format's field. `native` describes it when
 * it is not an envelope (it is then the client format's own state).
 */
export function stateFromClient(client: Protocol, value: string, native: Omit<ReasoningState, 'dialect' | 'value'> = {}): ReasoningState {
  if (value.startsWith(PREFIX)) {
    const decoded = fromBase64Url(value.slice(PREFIX.length));
    if (decoded !== null) {
      try {
        const payload = JSON.parse(decoded) as Record<string, unknown>;
        if (typeof payload.d === 'string' && DIALECTS.has(payload.d) && typeof payload.v === 'string') {
          const state: ReasoningState = { dialect: payload.d as Protocol, value: payload.v };
          if (payload.k === 'signature' || payload.k === 'redacted' || payload.k === 'encrypted' || payload.k === 'thought_signature') state.kind = payload.k;
          if (typeof payload.i === 'string') state.id = payload.i;
          return state;
        }
      } catch {
        // Not our envelope after all: treat it as native state.
      }
    }
  }
  return { dialect: client, value, ...native };
}

/** The raw state to send to a channel of `target`, or undefined when it must be stripped. */
export function stateForUpstream(target: Protocol, state: ReasoningState | undefined): ReasoningState | undefined {
  return state !== undefined && state.dialect === target ? state : undefined;
}

/** The dialect of the newest state in a list (in history order), or null when none carries any. */
export function newestStateDialect(states: Iterable<ReasoningState | undefined>): Protocol | null {
  let dialect: Protocol | null = null;
  for (const state of states) if (state !== undefined) dialect = state.dialect;
  return dialect;
}
