// DuckDB-style positional placeholders ($1, $2…) rewritten for ClickHouse, whose server-side
// parameters are typed: `{p1:String}`. The type comes from the JavaScript value, so callers
// write one SQL text for both stores. Placeholders inside string literals, quoted
// identifiers and comments are left alone.
import type { BoundValues, SqlValue } from './log-store';

export interface RewrittenStatement {
  sql: string;
  params: Record<string, unknown>;
}

/** The ClickHouse type a bound value travels as. */
export function clickHouseTypeOf(value: unknown): string {
  if (value === null) return 'Nullable(String)';
  switch (typeof value) {
    case 'string':
      return 'String';
    case 'boolean':
      return 'Bool';
    case 'bigint':
      return 'Int64';
    case 'number':
      return Number.isSafeInteger(value) ? 'Int64' : 'Float64';
    default:
      throw new TypeError(`log store: cannot bind a ${typeof value}`);
  }
}

export function rewritePlaceholders(sql: string, values: BoundValues = []): RewrittenStatement {
  const params: Record<string, unknown> = {};
  let output = '';
  let index = 0;
  while (index < sql.length) {
    const character = sql[index]!;
    const skipped = skipQuotedOrComment(sql, index);
    if (skipped > index) {
      output += sql.slice(index, skipped);
      index = skipped;
      continue;
    }
    if (character === '$' && /[0-9]/.test(sql[index + 1] ?? '')) {
      let end = index + 1;
      while (end < sql.length && /[0-9]/.test(sql[end]!)) end++;
      const position = Number(sql.slice(index + 1, end));
      if (position < 1 || position > values.length) throw new RangeError(`log store: $${position} has no value (${values.length} given)`);
      const value = values[position - 1] as SqlValue;
      output += `{p${position}:${clickHouseTypeOf(value)}}`;
      params[`p${position}`] = typeof value === 'bigint' ? value.toString() : value;
      index = end;
      continue;
    }
    output += character;
    index++;
  }
  return { sql: output, params };
}

/** Where a literal, quoted identifier or comment starting at `start` ends; `start` when none does. */
function skipQuotedOrComment(sql: string, start: number): number {
  const character = sql[start];
  if (character === "'" || character === '"' || character === '`') {
    let index = start + 1;
    while (index < sql.length) {
      if (sql[index] === '\\') index += 2;
      else if (sql[index] === character && sql[index + 1] === character) index += 2;
      else if (sql[index] === character) return index + 1;
      else index++;
    }
    return sql.length;
  }
  if (character === '-' && sql[start + 1] === '-') {
    const end = sql.indexOf('\n', start);
    return end === -1 ? sql.length : end;
  }
  if (character === '/' && sql[start + 1] === '*') {
    const end = sql.indexOf('*/', start + 2);
    return end === -1 ? sql.length : end + 2;
  }
  return start;
}
