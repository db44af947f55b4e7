// The route parses a body once when the store takes checked records: it never hands such a
// store the text, refuses a bad body before any store sees it, and gives onStored exactly the
// records the store reports stored (by index), each once.
import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../worker/core/types';
import { ingestRoute } from '../ingest-route';
import type { LogStore } from '../log-store';
import { TEST_SECRET, makeRecord } from '../test-support';
import type { CheckedIngest } from './checked-ingest';
import type { BodyOutcome } from './ingest-group';

function fakeStore(outcome: (records: readonly LogRecord[]) => BodyOutcome) {
  const calls = { checked: [] as (readonly LogRecord[])[], bodies: 0 };
  const store = {
    dialect: 'duckdb',
    async ingestChecked(records: readonly LogRecord[]) {
      calls.checked.push(records);
      return outcome(records);
    },
    async ingestBody() {
      calls.bodies += 1;
      throw new Error('the route must not hand this store the text');
    },
  } as unknown as LogStore & CheckedIngest;
  return { store, calls };
}

const post = (route: ReturnType<typeof ingestRoute>, body: string) =>
  route.request('/ingest', { method: 'POST', headers: { authorization: `Bearer ${TEST_SECRET}`, 'content-type': 'application/json' }, body });

describe('ingest route with a store that takes checked records', () => {
  it('hands it the parsed records and passes onStored the stored ones only', async () => {
    const { store, calls } = fakeStore((records) => ({ valid: true, stored: [0, 2], storedCount: 2, duplicates: records.length - 2 }));
    const seen: LogRecord[] = [];
    const route = ingestRoute({ store, internalSecret: TEST_SECRET, onStored: (records) => seen.push(...records) });
    const records = ['a', 'b', 'c'].map((id) => makeRecord({ request_id: id }));
    const response = await post(route, JSON.stringify({ records }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ accepted: 2, duplicates: 1 });
    expect(calls.bodies).toBe(0);
    expect(calls.checked).toHaveLength(1);
    expect(calls.checked[0]).toEqual(records);
    expect(seen.map((record) => record.request_id)).toEqual(['a', 'c']);
  });

  it('refuses a bad body with the field named, before the store sees anything', async () => {
    const { store, calls } = fakeStore(() => ({ valid: true, stored: null, storedCount: 0, duplicates: 0 }));
    const route = ingestRoute({ store, internalSecret: TEST_SECRET, onStored: () => expect.unreachable() });
    const response = await post(route, JSON.stringify({ records: [{ ...makeRecord(), attempt: 1.5 }] }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { path: string }).path).toBe('records[0].attempt');
    expect(calls.checked).toHaveLength(0);
    expect(calls.bodies).toBe(0);
  });
});
