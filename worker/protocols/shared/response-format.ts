// OpenAI's output format names as canonical. Chat's `response_format` and the Responses API's
// `text.format` spell them alike (text, json_object, json_schema); only where the schema sits
// differs, so each caller hands over the schema fields flat.
import type { ResponseFormat } from '../canonical';

export type OpenaiFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema?: Record<string, unknown> | null; strict?: boolean | null };

export function formatFromOpenai(format: OpenaiFormat | null | undefined): ResponseFormat | null {
  if (!format) return null;
  switch (format.type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json' };
    case 'json_schema':
      return { type: 'json-schema', name: format.name, schema: format.schema ?? {}, strict: format.strict === true };
  }
}
