// The DuckDB file's owner, on a worker thread: the node's second core deduplicates and
// appends ingest batches (parsed and checked once, on the main thread, and sent as columns)
// while the main thread serves HTTP. DuckDB allows one instance per
// file per process, so every statement runs here: writes (ingest, `write`, checkpoints) one
// at a time on the writer connection, queries on the reader connection.
import { parentPort, workerData } from 'node:worker_threads';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { CREATE_INCOMING_KEYS_TABLE, CREATE_LOG_TABLE, MIGRATE_LOG_TABLE } from '../log-table';
import { CREATE_DECISIONS_TABLE } from './decision-table';
import { ensureRollups } from '../console/rollup-tables';
import { ingestGroup } from './ingest-group';
import { SerialQueue } from './serial-queue';
import type { StatementValue, WriterReply, WriterRequest, WriterStarted } from './writer-protocol';

/** A group stops growing past this many records (about 32 MB of bodies; one body is at most 10 MB). */
const MAX_GROUP_RECORDS = 50_000;

const port = parentPort;
if (port === null) throw new Error('writer-thread.ts runs as a worker thread');
const { dbPath } = workerData as { dbPath: string };

const jobs: WriterRequest[] = [];
const reads = new SerialQueue();
let draining = false;
let closed = false;

// Listen first: requests sent while the file opens wait in `jobs`.
port.on('message', (request: WriterRequest) => {
  if (request.kind === 'query') void reads.run(() => answer(request.id, () => runQuery(request.sql, request.values)));
  else {
    jobs.push(request);
    void drain();
  }
});

interface Database {
  instance: DuckDBInstance;
  writer: DuckDBConnection;
  reader: DuckDBConnection;
}

async function openDatabase(): Promise<Database> {
  const instance = await DuckDBInstance.create(dbPath);
  const writer = await instance.connect();
  const reader = await instance.connect();
  await writer.run(CREATE_LOG_TABLE);
  for (const statement of MIGRATE_LOG_TABLE) await writer.run(statement);
  await writer.run(CREATE_INCOMING_KEYS_TABLE);
  await writer.run(CREATE_DECISIONS_TABLE);
  await ensureRollups({ run: (sql) => writer.run(sql), count: async (sql) => Number((await writer.runAndReadAll(sql)).getRowsJson()[0]?.[0] ?? 0) });
  return { instance, writer, reader };
}

const opened = openDatabase();
opened.then(
  async ({ reader }) => {
    const counted = await reader.runAndReadAll('SELECT count(*)::DOUBLE AS rows FROM log');
    port.postMessage({ kind: 'started', rows: Number(counted.getRowObjectsJson()[0]?.rows ?? 0) } satisfies WriterStarted);
  },
  (error: unknown) => port.postMessage({ kind: 'failed', error: String(error) } satisfies WriterStarted),
);

async function runQuery(sql: string, values: StatementValue[] | undefined): Promise<unknown> {
  const { reader } = await opened;
  const result = await reader.runAndReadAll(sql, values);
  return result.getRowObjectsJson();
}

async function answer(id: number, job: () => Promise<unknown>): Promise<void> {
  let reply: WriterReply;
  try {
    reply = { id, ok: true, value: await job() };
  } catch (error) {
    reply = { id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  port!.postMessage(reply);
}

async function drain(): Promise<void> {
  if (draining) return;
  draining = true;
  try {
    await opened;
    while (jobs.length > 0) {
      const first = jobs[0]!;
      if (first.kind === 'ingest') await runGroup(takeIngestGroup());
      else {
        jobs.shift();
        await answer(first.id, () => runWrite(first));
      }
    }
  } finally {
    draining = false;
  }
}

/** The leading ingest requests, up to MAX_GROUP_RECORDS (at least one). */
function takeIngestGroup(): Array<Extract<WriterRequest, { kind: 'ingest' }>> {
  const group: Array<Extract<WriterRequest, { kind: 'ingest' }>> = [];
  let records = 0;
  while (jobs.length > 0) {
    const next = jobs[0]!;
    if (next.kind !== 'ingest' || (group.length > 0 && records + next.columns.count > MAX_GROUP_RECORDS)) break;
    jobs.shift();
    group.push(next);
    records += next.columns.count;
  }
  return group;
}

async function runGroup(group: Array<Extract<WriterRequest, { kind: 'ingest' }>>): Promise<void> {
  if (closed) {
    for (const request of group) port!.postMessage({ id: request.id, ok: false, error: 'log store is closed' } satisfies WriterReply);
    return;
  }
  try {
    const { writer } = await opened;
    const outcomes = await ingestGroup(writer, group.map(({ columns }) => columns));
    group.forEach((request, index) => port!.postMessage({ id: request.id, ok: true, value: outcomes[index] } satisfies WriterReply));
  } catch (error) {
    if (group.length === 1) {
      port!.postMessage({ id: group[0]!.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies WriterReply);
      return;
    }
    // The group was rolled back: one batch's failure must not fail the others.
    for (const request of group) await runGroup([request]);
  }
}

async function runWrite(request: Exclude<WriterRequest, { kind: 'ingest' | 'query' }>): Promise<unknown> {
  const { instance, writer, reader } = await opened;
  if (request.kind === 'write') {
    if (closed) throw new Error('log store is closed');
    await writer.run(request.sql, request.values);
    return null;
  }
  if (closed) return null;
  await writer.run('CHECKPOINT');
  if (request.kind === 'close') {
    await reads.idle();
    closed = true;
    writer.closeSync();
    reader.closeSync();
    instance.closeSync();
  }
  return null;
}
