import { describe, expect, it } from 'vitest';
import { postJson, readSseJson, useSimulator } from './test-helpers';
import { findCallMarker } from './tool-decision';

const simulator = useSimulator([
  { name: 'loop-openai', dialect: 'openai' },
  { name: 'loop-responses', dialect: 'openai-responses' },
  { name: 'loop-anthropic', dialect: 'anthropic' },
  { name: 'loop-gemini', dialect: 'gemini' },
  { name: 'auto-openai', dialect: 'openai', auto_tool_call: true },
  { name: 'auto-gemini', dialect: 'gemini', auto_tool_call: true },
]);
const schema = { type: 'object', properties: { path: { type: 'string', minLength: 1 } }, required: ['path'] };
const url = (name: string, path: string) => `${simulator.get().url}/${name}${path}`;

/** One turn per dialect: the user's text, the tools offered, and how to read the reply back. */
interface Call {
  name: string;
  arguments: unknown;
}
type Turn = (text: string, stream: boolean, provider?: string) => Promise<{ call?: Call; text: string }>;

const openaiTurn: Turn = async (text, stream, provider = 'loop-openai') => {
  const tools = [{ type: 'function', function: { name: 'read_file', parameters: schema } }, { type: 'function', function: { name: 'list_dir', parameters: {} } }];
  const response = await postJson(url(provider, '/v1/chat/completions'), { model: 'm', messages: [{ role: 'user', content: text }], tools, stream });
  if (!stream) {
    const message = (await response.json<any>()).choices[0].message;
    const call = message.tool_calls?.[0]?.function;
    return { call: call && { name: call.name, arguments: JSON.parse(call.arguments) }, text: message.content ?? '' };
  }
  const chunks = await readSseJson(response);
  const deltas = chunks.map((chunk) => chunk.choices[0]?.delta ?? {});
  const calls = deltas.flatMap((delta) => delta.tool_calls ?? []);
  const text2 = deltas.map((delta) => delta.content ?? '').join('');
  return { call: calls.length ? { name: calls[0].function.name, arguments: JSON.parse(calls.map((call: any) => call.function.arguments).join('')) } : undefined, text: text2 };
};

const responsesTurn: Turn = async (text, stream) => {
  const tools = [{ type: 'function', name: 'read_file', parameters: schema }, { type: 'function', name: 'list_dir', parameters: {} }];
  const response = await postJson(url('loop-responses', '/v1/responses'), { model: 'm', input: [{ role: 'user', content: [{ type: 'input_text', text }] }], tools, stream });
  const body = stream ? (await readSseJson(response)).at(-1).response : await response.json<any>();
  const item = body.output[0];
  return item.type === 'function_call' ? { call: { name: item.name, arguments: JSON.parse(item.arguments) }, text: '' } : { text: item.content[0].text };
};

const anthropicTurn: Turn = async (text, stream) => {
  const tools = [{ name: 'read_file', input_schema: schema }, { name: 'list_dir', input_schema: { type: 'object' } }];
  const response = await postJson(url('loop-anthropic', '/v1/messages'), { model: 'm', max_tokens: 500, messages: [{ role: 'user', content: [{ type: 'text', text }] }], tools, stream });
  if (!stream) {
    const block = (await response.json<any>()).content[0];
    return block.type === 'tool_use' ? { call: { name: block.name, arguments: block.input }, text: '' } : { text: block.text };
  }
  const events = await readSseJson(response);
  const start = events.find((event) => event.type === 'content_block_start').content_block;
  const deltas = events.filter((event) => event.type === 'content_block_delta').map((event) => event.delta);
  if (start.type === 'tool_use') return { call: { name: start.name, arguments: JSON.parse(deltas.map((delta) => delta.partial_json).join('')) }, text: '' };
  return { text: deltas.map((delta) => delta.text).join('') };
};

const geminiTurn: Turn = async (text, stream, provider = 'loop-gemini') => {
  const tools = [{ functionDeclarations: [{ name: 'read_file', parameters: schema }, { name: 'list_dir' }] }];
  const method = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
  const response = await postJson(url(provider, `/v1beta/models/g:${method}`), { contents: [{ role: 'user', parts: [{ text }] }], tools });
  const chunks = stream ? await readSseJson(response) : [await response.json<any>()];
  const parts = chunks.flatMap((chunk) => chunk.candidates[0].content.parts);
  const call = parts.find((part) => part.functionCall)?.functionCall;
  return { call: call && { name: call.name, arguments: call.args }, text: parts.map((part) => part.text ?? '').join('') };
};

const TURNS: Array<[string, Turn]> = [['openai', openaiTurn], ['openai-responses', responsesTurn], ['anthropic', anthropicTurn], ['gemini', geminiTurn]];

describe('call markers', () => {
  it('finds [[call:NAME]] and [[call:NAME {json}]], arguments containing "]]" included', () => {
    expect(findCallMarker('please [[call:read_file]] now')).toEqual({ name: 'read_file' });
    expect(findCallMarker('x [[call:read_file {"path":"a]]b"}]] y')).toEqual({ name: 'read_file', arguments: { path: 'a]]b' } });
    expect(findCallMarker('[[call:bad {not json}]] then [[call:ok]]')).toEqual({ name: 'ok' });
    expect(findCallMarker('no marker [[call:]] here')).toBeUndefined();
  });

  for (const [dialect, turn] of TURNS) {
    for (const stream of [false, true]) {
      it(`${dialect}${stream ? ' (streamed)' : ''}: a marker calls the tool with the given or generated arguments`, async () => {
        const given = await turn('Read it. [[call:read_file {"path":"src/main.ts"}]]', stream);
        expect(given.call).toEqual({ name: 'read_file', arguments: { path: 'src/main.ts' } });
        const generated = await turn('Read something. [[call:read_file]]', stream);
        expect(generated.call?.name).toBe('read_file');
        expect(typeof (generated.call?.arguments as { path: unknown }).path).toBe('string');
        const unknown = await turn('[[call:delete_everything]]', stream);
        expect(unknown.call).toBeUndefined();
        expect(unknown.text).toContain('No tool named "delete_everything"');
        expect((await turn('Just talk.', stream)).call).toBeUndefined();
      });
    }
  }
});

describe('auto_tool_call and tool results', () => {
  it('auto_tool_call calls the first offered tool unless the last message is a tool result', async () => {
    expect((await openaiTurn('hello', false, 'auto-openai')).call?.name).toBe('read_file');
    expect((await geminiTurn('hello', true, 'auto-gemini')).call?.name).toBe('read_file');
    expect((await openaiTurn('hello', false)).call).toBeUndefined();
    const messages = [
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a"}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'file contents: export const answer = 42; and a long tail of more text here' },
    ];
    const body = await (await postJson(url('auto-openai', '/v1/chat/completions'), { model: 'm', messages, tools: [{ type: 'function', function: { name: 'read_file', parameters: schema } }] })).json<any>();
    expect(body.choices[0].finish_reason).toBe('stop');
    expect(body.choices[0].message.content.startsWith(`Tool result received: ${messages[2]!.content!.slice(0, 60)}`)).toBe(true);
    // Longer results also show their end, where agents' command output sits after a header.
    expect(body.choices[0].message.content).toContain(' … ');
    expect(body.choices[0].message.content).toContain('more text here');
  });

  it('echoes the tool result in every dialect, streamed too', async () => {
    const anthropic = await readSseJson(await postJson(url('loop-anthropic', '/v1/messages'), {
      model: 'm', max_tokens: 100, stream: true,
      messages: [
        { role: 'user', content: '[[call:read_file]]' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'read_file', input: { path: 'a' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'alpha beta' }] }] },
      ],
      tools: [{ name: 'read_file', input_schema: schema }],
    }));
    expect(anthropic.filter((event) => event.delta?.type === 'text_delta').map((event) => event.delta.text).join('')).toMatch(/^Tool result received: alpha beta/);
    const gemini = await (await postJson(url('loop-gemini', '/v1beta/models/g:generateContent'), {
      contents: [
        { role: 'user', parts: [{ text: '[[call:read_file]]' }] },
        { role: 'model', parts: [{ functionCall: { name: 'read_file', args: { path: 'a' } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'read_file', response: { output: 'gamma delta' } } }] },
      ],
      tools: [{ functionDeclarations: [{ name: 'read_file', parameters: schema }] }],
    })).json<any>();
    expect(gemini.candidates[0].content.parts[0].text).toMatch(/^Tool result received: gamma delta/);
    const responses = await readSseJson(await postJson(url('loop-responses', '/v1/responses'), {
      model: 'm', stream: true,
      input: [
        { role: 'user', content: '[[call:read_file]]' },
        { type: 'function_call', call_id: 'c1', name: 'read_file', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: [{ type: 'input_text', text: 'epsilon' }] },
      ],
      tools: [{ type: 'function', name: 'read_file', parameters: schema }],
    }));
    expect(responses.at(-1).response.output[0].content[0].text).toMatch(/^Tool result received: epsilon/);
  });
});
