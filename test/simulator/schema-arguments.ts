// A value that satisfies a JSON schema (the subset tool definitions use: OpenAI/Anthropic
// JSON Schema and Gemini's OpenAPI-style schemas with upper-case types). Not supported:
// `pattern` (ignored), `not`, conditional schemas. Every property is filled, required or not.
import type { RandomSource } from '../../worker/core/types';
import { randomInteger, pick } from './random';
import { generateWord } from './text-generation';

type Schema = Record<string, unknown>;

const MAXIMUM_DEPTH = 8;

export function generateFromSchema(schema: unknown, random: RandomSource): unknown {
  const root = isObject(schema) ? schema : {};
  return generate(root, root, random, 0);
}

function generate(schema: Schema, root: Schema, random: RandomSource, depth: number): unknown {
  const resolved = resolveReference(schema, root);
  if ('const' in resolved) return resolved.const;
  if (Array.isArray(resolved.enum) && resolved.enum.length > 0) return pick(random, resolved.enum);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = resolved[key];
    if (Array.isArray(options) && options.length > 0) {
      const usable = options.filter((option) => isObject(option) && typeOf(option) !== 'null');
      return generate((usable[0] ?? options[0]) as Schema, root, random, depth + 1);
    }
  }
  if (Array.isArray(resolved.allOf)) {
    return generate(mergeAll(resolved.allOf.filter(isObject).map((part) => resolveReference(part, root)), resolved), root, random, depth + 1);
  }
  switch (typeOf(resolved)) {
    case 'object':
      return generateObject(resolved, root, random, depth);
    case 'array':
      return generateArray(resolved, root, random, depth);
    case 'integer':
      return generateNumber(resolved, random, true);
    case 'number':
      return generateNumber(resolved, random, false);
    case 'boolean':
      return random() < 0.5;
    case 'null':
      return null;
    default:
      return generateString(resolved, random);
  }
}

function generateObject(schema: Schema, root: Schema, random: RandomSource, depth: number): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required.filter((key) => typeof key === 'string') : [];
  // Past the depth limit only required properties are filled, so recursive schemas end.
  const keys = depth >= MAXIMUM_DEPTH ? required : [...new Set([...Object.keys(properties), ...required])];
  for (const key of keys) {
    const property = properties[key];
    result[key] = generate(isObject(property) ? property : {}, root, random, depth + 1);
  }
  const minimum = typeof schema.minProperties === 'number' ? schema.minProperties : 0;
  const extra = isObject(schema.additionalProperties) ? schema.additionalProperties : {};
  for (let index = Object.keys(result).length; index < minimum; index++) {
    result[`key_${index}`] = generate(extra, root, random, depth + 1);
  }
  return result;
}

function generateArray(schema: Schema, root: Schema, random: RandomSource, depth: number): unknown[] {
  const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems.filter(isObject) : [];
  const items = isObject(schema.items) ? schema.items : {};
  const minimum = typeof schema.minItems === 'number' ? schema.minItems : 0;
  const maximum = typeof schema.maxItems === 'number' ? schema.maxItems : Number.POSITIVE_INFINITY;
  const wanted = depth >= MAXIMUM_DEPTH ? minimum : Math.max(minimum, Math.min(maximum, 2, Math.max(prefix.length, 1)));
  const result: unknown[] = [];
  const enumValues = Array.isArray(items.enum) ? [...items.enum] : undefined;
  for (let index = 0; index < wanted; index++) {
    const itemSchema = prefix[index] ?? items;
    if (schema.uniqueItems === true && enumValues && enumValues.length > 0) {
      result.push(enumValues.splice(Math.floor(random() * enumValues.length), 1)[0]);
      continue;
    }
    let value = generate(itemSchema, root, random, depth + 1);
    if (schema.uniqueItems === true) {
      for (let attempt = 0; attempt < 8 && result.some((other) => JSON.stringify(other) === JSON.stringify(value)); attempt++) {
        value = generate(itemSchema, root, random, depth + 1);
      }
    }
    result.push(value);
  }
  return result;
}

function generateNumber(schema: Schema, random: RandomSource, integer: boolean): number {
  let low = typeof schema.minimum === 'number' ? schema.minimum : Number.NEGATIVE_INFINITY;
  let high = typeof schema.maximum === 'number' ? schema.maximum : Number.POSITIVE_INFINITY;
  const step = integer ? 1 : 0.01;
  // Draft 2020 numbers and draft 4 booleans.
  if (typeof schema.exclusiveMinimum === 'number') low = Math.max(low, schema.exclusiveMinimum + step);
  else if (schema.exclusiveMinimum === true) low += step;
  if (typeof schema.exclusiveMaximum === 'number') high = Math.min(high, schema.exclusiveMaximum - step);
  else if (schema.exclusiveMaximum === true) high -= step;
  if (!Number.isFinite(low) && !Number.isFinite(high)) [low, high] = [0, 100];
  else if (!Number.isFinite(low)) low = high - 100;
  else if (!Number.isFinite(high)) high = low + 100;
  const multipleOf = typeof schema.multipleOf === 'number' && schema.multipleOf > 0 ? schema.multipleOf : undefined;
  if (multipleOf) {
    const first = Math.ceil(low / multipleOf);
    const last = Math.floor(high / multipleOf);
    return (last >= first ? randomInteger(random, first, last) : first) * multipleOf;
  }
  if (integer) {
    const first = Math.ceil(low);
    const last = Math.floor(high);
    return last >= first ? randomInteger(random, first, last) : first;
  }
  return Math.round((low + random() * (high - low)) * 100) / 100;
}

function generateString(schema: Schema, random: RandomSource): string {
  const minimum = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maximum = typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY;
  let text = formatted(schema.format, random) ?? `${generateWord(random)} ${generateWord(random)}`;
  while (text.length < minimum) text += ` ${generateWord(random)}`;
  if (text.length > maximum) text = text.slice(0, maximum);
  return text;
}

function formatted(format: unknown, random: RandomSource): string | undefined {
  const day = randomInteger(random, 1, 28).toString().padStart(2, '0');
  switch (format) {
    case 'date-time':
      return `2025-01-${day}T12:00:00Z`;
    case 'date':
      return `2025-01-${day}`;
    case 'time':
      return '12:00:00Z';
    case 'email':
      return `${generateWord(random)}@example.com`;
    case 'uri':
    case 'url':
      return `https://example.com/${generateWord(random)}`;
    case 'uuid':
      return `00000000-0000-4000-8000-${randomInteger(random, 0, 999_999_999_999).toString().padStart(12, '0')}`;
    case 'ipv4':
      return `10.0.0.${randomInteger(random, 1, 254)}`;
    default:
      return undefined;
  }
}

/** Lower-cased type; the first non-null of a type list; inferred from keywords when absent. */
function typeOf(schema: Schema): string | undefined {
  const declared = Array.isArray(schema.type) ? schema.type.find((type) => String(type).toLowerCase() !== 'null') ?? 'null' : schema.type;
  if (typeof declared === 'string') return declared.toLowerCase();
  if (isObject(schema.properties) || schema.required) return 'object';
  if (schema.items || schema.prefixItems) return 'array';
  return undefined;
}

function resolveReference(schema: Schema, root: Schema): Schema {
  let current = schema;
  for (let hops = 0; hops < 16 && typeof current.$ref === 'string'; hops++) {
    const path = current.$ref.replace(/^#\/?/, '').split('/').filter(Boolean);
    let target: unknown = root;
    for (const segment of path) target = isObject(target) ? target[segment.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    if (!isObject(target)) return {};
    current = target;
  }
  return current;
}

function mergeAll(parts: Schema[], base: Schema): Schema {
  const merged: Schema = { ...base, allOf: undefined };
  const properties: Schema = {};
  const required: unknown[] = [];
  for (const part of [base, ...parts]) {
    Object.assign(merged, part, { allOf: undefined });
    if (isObject(part.properties)) Object.assign(properties, part.properties);
    if (Array.isArray(part.required)) required.push(...part.required);
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.length > 0) merged.required = [...new Set(required)];
  delete merged.allOf;
  return merged;
}

function isObject(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
