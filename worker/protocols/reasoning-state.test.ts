// The envelope rule for opaque reasoning state, end to end through buildUpstreamRequest: state
// goes back only to the dialect that made it, and never reaches another dialect's channel,
// even on a same-dialect pair that would otherwise pass the bytes through.
import { describe, expect, it } from 'vitest';
import { buildUpstreamRequest } from './index';
import { stateForClient, stateFromClient, stateForUpstream } from './shared/reasoning-state';
import { inbound, target } from '../../test/support/protocol-helpers';

const responsesState = { dialect: 'openai-responses' as const, value: 'gAAAAopaque==', kind: 'encrypted' as const, id: 'rs_1' };

function anthropicHistory(signature: string) {
  return {
    model: 'm',
    max_tokens: 64,
    thinking: { type: 'enabled', budget_tokens: 1024 },
    messages: [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'pondering', signature }, { type: 'text', text: 'hello' }] },
      { role: 'user', content: 'again' },
    ],
  };
}

describe('reasoning state envelopes', () => {
  it('round-trips through a client of another format', () => {
    const wrapped = stateForClient('anthropic', responsesState);
    expect(wrapped.startsWith('sb1.')).toBe(true);
    expect(stateFromClient('anthropic', wrapped)).toEqual(responsesState);
    expect(stateForClient('openai-responses', responsesState)).toBe('gAAAAopaque==');
    expect(stateFromClient('anthropic', 'native-signature', { kind: 'signature' })).toEqual({ dialect: 'anthropic', value: 'native-signature', kind: 'signature' });
    expect(stateForUpstream('gemini', responsesState)).toBeUndefined();
  });

  it('binds the request to the dialect of the newest state', () => {
    expect(inbound('anthropic', anthropicHistory(stateForClient('anthropic', responsesState))).bound_dialect).toBe('openai-responses');
    expect(inbound('anthropic', anthropicHistory('native-signature')).bound_dialect).toBe('anthropic');
  });

  it('a same-dialect pair strips foreign state instead of passing it through', () => {
    const client = inbound('anthropic', anthropicHistory(stateForClient('anthropic', responsesState)));
    const built = buildUpstreamRequest(client, target('anthropic'));
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    expect(built.value.body).not.toContain('sb1.');
    expect(built.value.body).not.toContain('gAAAAopaque');
  });

  it('unwraps state for the dialect that made it', () => {
    const client = inbound('anthropic', anthropicHistory(stateForClient('anthropic', responsesState)));
    const built = buildUpstreamRequest(client, target('openai-responses'));
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    const body = JSON.parse(built.value.body);
    expect(body.input).toContainEqual(expect.objectContaining({ type: 'reasoning', encrypted_content: 'gAAAAopaque==', id: 'rs_1' }));
  });

  it('a same-dialect pair with native state only stays byte-faithful', () => {
    const client = inbound('anthropic', anthropicHistory('native-signature'));
    const built = buildUpstreamRequest(client, target('anthropic'));
    expect(built.ok && built.value.body).toBe(client.raw.replace('"model":"m"', '"model":"upstream-model"'));
  });
});
