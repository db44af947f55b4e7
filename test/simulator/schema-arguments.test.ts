import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRandom } from './random';
import { generateFromSchema } from './schema-arguments';

const schemas: Record<string, object> = {
  'nested objects with required properties': {
    type: 'object',
    properties: { user: { type: 'object', properties: { id: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } }, required: ['id', 'tags'] } },
    required: ['user'],
    additionalProperties: false,
  },
  'bounds on numbers, strings and arrays': {
    type: 'object',
    properties: {
      score: { type: 'number', minimum: 0.5, maximum: 0.75 },
      count: { type: 'integer', exclusiveMinimum: 10, exclusiveMaximum: 12 },
      step: { type: 'integer', minimum: 1, maximum: 100, multipleOf: 25 },
      code: { type: 'string', minLength: 12, maxLength: 12 },
      list: { type: 'array', items: { type: 'boolean' }, minItems: 4, maxItems: 5 },
    },
    required: ['score', 'count', 'step', 'code', 'list'],
  },
  'enums, const, nullable types and unions': {
    type: 'object',
    properties: {
      color: { type: 'string', enum: ['red', 'green'] },
      kind: { const: 'fixed' },
      maybe: { type: ['string', 'null'] },
      either: { anyOf: [{ type: 'null' }, { type: 'integer', minimum: 3, maximum: 3 }] },
      when: { type: 'string', format: 'date-time' },
      mail: { type: 'string', format: 'email' },
    },
    required: ['color', 'kind', 'maybe', 'either', 'when', 'mail'],
  },
  'references to $defs': {
    type: 'object',
    $defs: { point: { type: 'object', properties: { x: { type: 'number' } }, required: ['x'] } },
    properties: { from: { $ref: '#/$defs/point' }, to: { $ref: '#/$defs/point' } },
    required: ['from', 'to'],
  },
  'unique enum items': { type: 'array', items: { enum: ['a', 'b', 'c'] }, minItems: 3, uniqueItems: true },
};

describe('generateFromSchema', () => {
  for (const [title, schema] of Object.entries(schemas)) {
    it(`satisfies ${title}`, () => {
      const validate = z.fromJSONSchema(schema as never);
      for (let seed = 0; seed < 20; seed++) {
        const value = generateFromSchema(schema, createRandom(seed));
        expect(validate.safeParse(value).success, JSON.stringify(value)).toBe(true);
      }
    });
  }

  it('terminates on recursive schemas and reads Gemini upper-case types', () => {
    const tree = { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#' } } }, required: ['name'] };
    expect(generateFromSchema(tree, createRandom(1))).toHaveProperty('name');
    const gemini = generateFromSchema({ type: 'OBJECT', properties: { n: { type: 'INTEGER', minimum: 2, maximum: 2 } } }, createRandom(1));
    expect(gemini).toEqual({ n: 2 });
  });

  it('is deterministic for a given random source', () => {
    const schema = schemas['bounds on numbers, strings and arrays']!;
    expect(generateFromSchema(schema, createRandom(42))).toEqual(generateFromSchema(schema, createRandom(42)));
  });
});
