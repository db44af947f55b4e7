// Appends rows to a table a column at a time, by DuckDB data chunks (2,048 rows each),
// instead of one N-API call per value (~40 a log row). Numbers, booleans and validity go
// in with one memory copy per column; a VARCHAR of at most 12 ASCII characters is written
// into the chunk's 16-byte string slot directly (DuckDB stores such strings inline); only
// longer or non-ASCII strings cost a call each (DuckDB copies every string again as it
// appends, so the slot layout only has to be read right once). Table columns are matched to
// record columns by name, so a table's column order (ALTER TABLE adds at the end) needs no
// copy here, and a table column with no record column is refused when the plan is made.
import duckdb from '@duckdb/node-bindings';
import { DuckDBDataChunk, DuckDBTypeId, type DuckDBAppender, type DuckDBConnection, type DuckDBType } from '@duckdb/node-api';
import { NUMBER_FIELDS, STRING_FIELDS, type RecordColumns } from './record-columns';

/** A table's columns, in its order, with the types the appender expects. */
export interface TablePlan {
  names: string[];
  types: DuckDBType[];
}

const NUMBER_SET: ReadonlySet<string> = new Set(NUMBER_FIELDS);
const STRING_SET: ReadonlySet<string> = new Set(STRING_FIELDS);

const VECTOR_SIZE = duckdb.vector_size();
const SUPPORTED: ReadonlySet<DuckDBTypeId> = new Set([DuckDBTypeId.VARCHAR, DuckDBTypeId.INTEGER, DuckDBTypeId.BIGINT, DuckDBTypeId.DOUBLE, DuckDBTypeId.BOOLEAN]);
/** DuckDB keeps a string of up to 12 bytes inside its 16-byte slot: length, then the bytes, zero-padded. */
const INLINE_BYTES = 12;
const SLOT_BYTES = 16;
const TWO_TO_32 = 4_294_967_296;

// Staging buffers for one vector, reused for every column (the writer thread is single-threaded).
const slots = new Uint8Array(VECTOR_SIZE * SLOT_BYTES);
const slotWords = new Uint32Array(slots.buffer);
const doubles = new Float64Array(VECTOR_SIZE);
const integers = new Int32Array(doubles.buffer, 0, VECTOR_SIZE);
const bigLow = new Uint32Array(VECTOR_SIZE * 2);
const bigHigh = new Int32Array(bigLow.buffer);
const booleans = new Uint8Array(VECTOR_SIZE);
const validity = new Uint32Array(VECTOR_SIZE / 32);

/** The plan of `table` (a temp table resolves first, as in any statement). */
export async function tablePlan(connection: DuckDBConnection, table: string): Promise<TablePlan> {
  const result = await connection.run(`SELECT * FROM ${table} LIMIT 0`);
  const names = result.columnNames();
  const types = result.columnTypes();
  types.forEach((type, index) => {
    const name = names[index]!;
    if (!SUPPORTED.has(type.typeId)) throw new Error(`chunk append: ${table}.${name} has type ${type.toString()}, not supported`);
    const encoded = type.typeId === DuckDBTypeId.VARCHAR ? STRING_SET : NUMBER_SET;
    if (!encoded.has(name)) throw new Error(`chunk append: ${table}.${name} has no column in record-columns.ts`);
  });
  return { names, types };
}

/** Appends the `rows` of `columns` (every row when null), in that order, a chunk at a time. */
export function appendColumns(appender: DuckDBAppender, plan: TablePlan, columns: RecordColumns, rows: readonly number[] | null): void {
  const total = rows === null ? columns.count : rows.length;
  const all = rows ?? Array.from({ length: total }, (_, row) => row);
  for (let start = 0; start < total; start += VECTOR_SIZE) {
    const count = Math.min(VECTOR_SIZE, total - start);
    const chunk = DuckDBDataChunk.create(plan.types, count);
    plan.names.forEach((name, column) => {
      const typeId = plan.types[column]!.typeId;
      const vector = duckdb.data_chunk_get_vector(chunk.chunk, column);
      if (typeId === DuckDBTypeId.VARCHAR) fillStrings(vector, name, columns.strings[name as keyof RecordColumns['strings']], all, start, count);
      else fillNumbers(vector, typeId, columns.numbers[name as keyof RecordColumns['numbers']], all, start, count);
    });
    duckdb.data_chunk_set_size(chunk.chunk, count);
    appender.appendDataChunk(chunk);
  }
}

/** Starts a vector's validity as all valid; returns the marker for a NULL row. */
function resetValidity(): { nulls: boolean; mark(index: number): void } {
  validity.fill(0xffffffff);
  const state = {
    nulls: false,
    mark(index: number) {
      state.nulls = true;
      validity[index >>> 5]! &= ~(1 << (index & 31));
    },
  };
  return state;
}

function flushValidity(vector: duckdb.Vector, state: { nulls: boolean }, count: number): void {
  if (!state.nulls) return;
  duckdb.vector_ensure_validity_writable(vector);
  duckdb.copy_data_to_vector_validity(vector, 0, validity.buffer, 0, Math.ceil(count / 64) * 8);
}

/** NaN is NULL (record-columns.ts). */
function fillNumbers(vector: duckdb.Vector, typeId: DuckDBTypeId, values: Float64Array, rows: readonly number[], start: number, count: number): void {
  const nulls = resetValidity();
  if (typeId === DuckDBTypeId.BOOLEAN) {
    for (let index = 0; index < count; index++) {
      const value = values[rows[start + index]!]!;
      if (value !== value) nulls.mark(index);
      booleans[index] = value === 1 ? 1 : 0;
    }
    duckdb.copy_data_to_vector(vector, 0, booleans.buffer, 0, count);
  } else if (typeId === DuckDBTypeId.BIGINT) {
    // Two 32-bit halves instead of a BigInt per value; exact for every safe integer.
    for (let index = 0; index < count; index++) {
      let value = values[rows[start + index]!]!;
      if (value !== value) {
        nulls.mark(index);
        value = 0;
      }
      const high = Math.floor(value / TWO_TO_32);
      bigLow[index * 2] = value - high * TWO_TO_32;
      bigHigh[index * 2 + 1] = high;
    }
    duckdb.copy_data_to_vector(vector, 0, bigLow.buffer, 0, count * 8);
  } else {
    const target = typeId === DuckDBTypeId.INTEGER ? integers : doubles;
    for (let index = 0; index < count; index++) {
      const value = values[rows[start + index]!]!;
      if (value !== value) nulls.mark(index);
      target[index] = value;
    }
    duckdb.copy_data_to_vector(vector, 0, target.buffer, 0, count * target.BYTES_PER_ELEMENT);
  }
  flushValidity(vector, nulls, count);
}

/**
 * Short ASCII strings are written into their slots here, then the slots are copied in one go;
 * the rest are assigned one by one after that copy (DuckDB puts them in the vector's heap). A
 * NUL character takes the assigned path too, so it is treated exactly as the row appender did.
 */
function fillStrings(vector: duckdb.Vector, name: string, values: readonly (string | null)[], rows: readonly number[], start: number, count: number): void {
  const nulls = resetValidity();
  slots.fill(0, 0, count * SLOT_BYTES);
  const assigned: number[] = [];
  for (let index = 0; index < count; index++) {
    const value = values[rows[start + index]!];
    if (typeof value !== 'string') {
      if (value !== null && value !== undefined) throw new TypeError(`chunk append: ${name} must be a string`);
      nulls.mark(index);
      continue;
    }
    if (!writeInline(value, index)) assigned.push(index);
  }
  duckdb.copy_data_to_vector(vector, 0, slots.buffer, 0, count * SLOT_BYTES);
  for (const index of assigned) duckdb.vector_assign_string_element(vector, index, values[rows[start + index]!] as string);
  flushValidity(vector, nulls, count);
}

function writeInline(value: string, index: number): boolean {
  const length = value.length;
  if (length > INLINE_BYTES) return false;
  const base = index * SLOT_BYTES;
  for (let position = 0; position < length; position++) {
    const code = value.charCodeAt(position);
    if (code === 0 || code > 0x7f) {
      slots.fill(0, base + 4, base + 4 + position);
      return false;
    }
    slots[base + 4 + position] = code;
  }
  slotWords[base / 4] = length;
  return true;
}
