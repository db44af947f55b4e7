// A Gemini schema is converted by a recursive walk over the client's JSON, so its depth is
// bounded: a tool schema or response schema nested thousands of levels deep (JSON.parse
// accepts it) gets a 400 naming the field, not a stack overflow and a 500 (the soak fuzz run
// found a 2,193-level schema that overflowed the stack). Real schemas convert as before.
import { describe, expect, it } from 'vitest';
import { buildUpstreamRequest } from '../index';
import { inboundRaw, target } from '../../../test/support/protocol-helpers';
import { MAX_SCHEMA_DEPTH } from './request-canonical';

const ROUTE = { path_model: 'gemini-x', path_stream: false };

/** A schema whose `items` nest `levels` deep (one JSON level each). */
function nestedSchema(levels: number): string {
  return `${'{"type":"ARRAY","items":'.repeat(levels)}{"type":"STRING"}${'}'.repeat(levels)}`;
}

function toolRequest(schema: string): string {
  return `{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"tools":[{"functionDeclarations":[{"name":"f","parameters":${schema}}]}]}`;
}

function responseSchemaRequest(schema: string): string {
  return `{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"responseMimeType":"application/json","responseSchema":${schema}}}`;
}

describe('Gemini schema depth', () => {
  it('refuses a tool schema nested thousands of levels deep with a 400 naming the field', () => {
    for (const levels of [MAX_SCHEMA_DEPTH + 1, 5_000, 50_000]) {
      const built = buildUpstreamRequest(inboundRaw('gemini', toolRequest(nestedSchema(levels)), ROUTE), target('openai'));
      expect(built.ok).toBe(false);
      if (built.ok) continue;
      expect(built.error).toMatchObject({ kind: 'invalid_request', param: 'tools[0].functionDeclarations[0].parameters' });
    }
  });

  it('refuses a response schema nested too deep', () => {
    const built = buildUpstreamRequest(inboundRaw('gemini', responseSchemaRequest(nestedSchema(5_000)), ROUTE), target('anthropic'));
    expect(built.ok).toBe(false);
    if (!built.ok) expect(built.error).toMatchObject({ kind: 'invalid_request', param: 'generationConfig.responseSchema' });
  });

  it('converts a realistically nested schema to lower-case JSON Schema types as before', () => {
    const levels = Math.floor(MAX_SCHEMA_DEPTH / 2) - 1;
    const built = buildUpstreamRequest(inboundRaw('gemini', toolRequest(nestedSchema(levels)), ROUTE), target('openai'));
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    let schema = JSON.parse(built.value.body).tools[0].function.parameters;
    for (let level = 0; level < levels; level++) {
      expect(schema.type).toBe('array');
      schema = schema.items;
    }
    expect(schema).toEqual({ type: 'string' });
  });
});
