// The secrets scan's ClickHouse half finds a value the raw bytes may hide (LZ4), in a copy of
// a folder its node still has open.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { makeRecord } from '../test-support';
import { copyLiveFolder, scanChdbText } from './chdb-text-scan';
import { openLogStore } from './open-store';

const folder = mkdtempSync(path.join(tmpdir(), 'chdb-text-scan-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

it('finds a planted value in the column that holds it, and nothing else', async () => {
  const live = path.join(folder, 'live');
  const store = await openLogStore(`chdb:${live}`);
  await store.ingest([makeRecord({ request_id: 'r-1', error_message: 'upstream said sk-planted-0001' }), makeRecord({ request_id: 'r-2' })]);
  const copy = path.join(folder, 'copy');
  await copyLiveFolder(live, copy); // while the store is open, as in the end-to-end run
  await store.close();
  const scan = await scanChdbText(copy, [{ label: 'planted', value: 'sk-planted-0001' }, { label: 'absent', value: 'sk-absent-0001' }]);
  expect(scan).toEqual({ findings: ['planted in log.error_message'], logRows: 2 });
});
