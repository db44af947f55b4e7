import { describe, expect, it } from 'vitest';
import { rewritePlaceholders } from './placeholders';
import { parseStoreSpec, storeSpecFromEnvironment } from './store-spec';

describe('rewritePlaceholders', () => {
  it('types each placeholder from its value, reuses a repeated one, and leaves literals, identifiers and comments alone', () => {
    const { sql, params } = rewritePlaceholders(
      `SELECT '$1', "$2", \`$3\` -- $1\n/* $2 */ FROM t WHERE a = $1 AND b = $2 AND c = $3 AND d = $4 AND e = $5 AND f = $6 AND g = $1 AND h = 'it''s $2'`,
      ['x', 42, 1.5, true, null, 12n],
    );
    expect(sql).toBe(
      `SELECT '$1', "$2", \`$3\` -- $1\n/* $2 */ FROM t WHERE a = {p1:String} AND b = {p2:Int64} AND c = {p3:Float64} AND d = {p4:Bool} AND e = {p5:Nullable(String)} AND f = {p6:Int64} AND g = {p1:String} AND h = 'it''s $2'`,
    );
    expect(params).toEqual({ p1: 'x', p2: 42, p3: 1.5, p4: true, p5: null, p6: '12' });
  });

  it('refuses a placeholder without a value and a value that is not a primitive', () => {
    expect(() => rewritePlaceholders('SELECT $2', ['a'])).toThrow(/\$2 has no value/);
    expect(() => rewritePlaceholders('SELECT $1', [{} as never])).toThrow(/cannot bind/);
  });
});

describe('ANALYTICS_STORE', () => {
  it('defaults to the DuckDB file, honours ANALYTICS_DB, and parses every form', () => {
    expect(storeSpecFromEnvironment({})).toEqual({ ok: true, value: { kind: 'duckdb', path: '.data/analytics.duckdb' } });
    expect(storeSpecFromEnvironment({ ANALYTICS_DB: '/x.duckdb' })).toEqual({ ok: true, value: { kind: 'duckdb', path: '/x.duckdb' } });
    expect(parseStoreSpec('chdb:.data/analytics.chdb')).toEqual({ ok: true, value: { kind: 'chdb', path: '.data/analytics.chdb', database: 'switchboard', cluster: null } });
    expect(parseStoreSpec('clickhouse://sb:p%40ss@ch.internal:9000/logs?cluster=main')).toEqual({
      ok: true,
      value: { kind: 'clickhouse', url: 'http://ch.internal:9000', username: 'sb', password: 'p@ss', database: 'logs', cluster: 'main' },
    });
    expect(parseStoreSpec('clickhouses://ch.internal')).toMatchObject({ ok: true, value: { url: 'https://ch.internal:8443', username: 'default', database: 'switchboard' } });
    expect(parseStoreSpec('postgres://x')).toMatchObject({ ok: false });
    expect(parseStoreSpec('clickhouse://h/db;drop')).toMatchObject({ ok: false });
  });
});
