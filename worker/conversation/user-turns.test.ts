import { describe, expect, it } from 'vitest';
import { userTurnCount } from './user-turns';

describe('userTurnCount', () => {
  it('openai: counts user messages, not system, assistant or tool messages', () => {
    const messages = [
      { role: 'system', content: 's' },
      { role: 'user', content: 'one' },
      { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 't', content: 'result' },
      { role: 'assistant', content: 'answer' },
      { role: 'user', content: 'two' },
      { role: 'assistant', content: 'answer' },
      { role: 'user', content: [{ type: 'text', text: 'three' }] },
    ];
    expect(userTurnCount('openai', { messages })).toBe(3);
    expect(userTurnCount('openai', { messages: messages.slice(0, 2) })).toBe(1);
  });

  it('anthropic: a user message of tool results only is not a turn', () => {
    const messages = [
      { role: 'user', content: 'one' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'result' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'answer' }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'u', content: 'r' }, { type: 'text', text: 'two' }] },
    ];
    expect(userTurnCount('anthropic', { system: 's', messages })).toBe(2);
  });

  it('gemini: function responses are not turns; a content without a role is the user', () => {
    const contents = [
      { parts: [{ text: 'one' }] },
      { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'f', response: {} } }] },
      { role: 'model', parts: [{ text: 'answer' }] },
      { role: 'user', parts: [{ text: 'two' }] },
    ];
    expect(userTurnCount('gemini', { contents })).toBe(2);
  });

  it('openai-responses: user message items count, tool outputs and assistant items do not; a string is one turn', () => {
    const input = [
      { role: 'user', content: 'one' },
      { type: 'function_call', call_id: 'c', name: 'shell', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c', output: 'ok' },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'answer' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'two' }] },
    ];
    expect(userTurnCount('openai-responses', { input })).toBe(2);
    expect(userTurnCount('openai-responses', { input: 'hello' })).toBe(1);
  });

  it('is at least 1 on any JSON (a request with no user turn is still its conversation’s first)', () => {
    expect(userTurnCount('openai', {})).toBe(1);
    expect(userTurnCount('anthropic', { messages: 'nonsense' })).toBe(1);
    expect(userTurnCount('gemini', { contents: [null, 3] })).toBe(1);
    expect(userTurnCount('openai-responses', { input: [{ role: 'assistant', content: 'x' }] })).toBe(1);
  });
});
