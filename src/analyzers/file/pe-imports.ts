// The PE import directory and its imphash. pe-library has no import table, so we walk it
// ourselves, mirroring pefile 2024.8.26 (parse_import_directory, get_import_table,
// parse_imports, get_imphash) closely enough that imphash values match pefile's, including its
// ordinal-to-name table for oleaut32/ws2_32/wsock32 and its limits on hostile tables.
import { createHash } from 'node:crypto';
import { hex, type Reader } from './bytes';
import type { AddressMap } from './pe';
import { ordinalName } from './pe-ordinals';

export interface PeImport {
  dll: string;
  /** Function names; imports by ordinal appear as pefile names them (table name, else "ord<N>"). */
  functions: string[];
}

export interface ImportTable {
  imports: PeImport[];
  count: number;
  imphash?: string;
  anomalies: string[];
}

const MAX_IMPORT_SYMBOLS = 0x2000; // pefile MAX_IMPORT_SYMBOLS
const MAX_NAME_LENGTH = 0x200; // pefile MAX_DLL_LENGTH / MAX_IMPORT_NAME_LENGTH
const MAX_DESCRIPTORS = 4096;
const MAX_DESCRIPTOR_ERRORS = 5;
const VALID_DLL_CHARS = /^[A-Za-z0-9!#$%&'()\-@^_`{}~+,.;=[\]:\\/]*$/; // pefile is_valid_dos_filename
const VALID_FUNCTION_CHARS = /^[A-Za-z0-9._?@$()<>]*$/; // pefile is_valid_function_name

type Thunk = { kind: 'ordinal'; ordinal: number } | { kind: 'name'; rva: number };

export function parseImports(r: Reader, map: AddressMap, directoryRva: number, is64: boolean): ImportTable {
  const anomalies: string[] = [];
  const imports: PeImport[] = [];
  const state = { symbols: 0 };
  let errors = 0;
  let rva = directoryRva;
  for (let d = 0; d < MAX_DESCRIPTORS; d++) {
    const at = map.offset(rva);
    if (at === undefined || !r.has(at, 20)) {
      if (d === 0) anomalies.push(`import directory at ${hex(directoryRva)} is outside the file`);
      break;
    }
    const originalFirstThunk = r.u32(at);
    const nameRva = r.u32(at + 12);
    const firstThunk = r.u32(at + 16);
    if (r.bytes.subarray(at, at + 20).every((b) => b === 0)) break;
    rva += 20;

    // Like pefile: a thunk array placed before the descriptor cannot run past it.
    let maxLength = r.length - at;
    if (rva > originalFirstThunk || rva > firstThunk) maxLength = Math.max(rva - originalFirstThunk, rva - firstThunk);

    // pefile reads both tables (both count towards its symbol limit) and prefers the lookup table.
    const ilt = readThunks(r, map, originalFirstThunk, maxLength, is64, state);
    const iat = readThunks(r, map, firstThunk, maxLength, is64, state);
    const table = ilt?.length ? ilt : (iat ?? []);
    const functions = resolveNames(r, map, table);
    if (errors > MAX_DESCRIPTOR_ERRORS) {
      anomalies.push('too many damaged import descriptors; stopped reading');
      break;
    }
    if (functions.length === 0) {
      errors++;
      continue;
    }

    const dllAt = map.offset(nameRva);
    let dll = dllAt !== undefined && r.has(dllAt, 1) ? r.cString(dllAt, MAX_NAME_LENGTH) : '';
    if (!VALID_DLL_CHARS.test(dll)) dll = '*invalid*';
    if (!dll) continue;
    imports.push({ dll, functions: functions.map((f) => (typeof f === 'number' ? (ordinalName(dll, f) ?? `ord${f}`) : f)) });
  }
  if (state.symbols > MAX_IMPORT_SYMBOLS) anomalies.push(`more than ${MAX_IMPORT_SYMBOLS} imported symbols; the rest were not read`);
  const count = imports.reduce((n, i) => n + i.functions.length, 0);
  return { imports, count, imphash: imports.length ? imphash(imports) : undefined, anomalies };
}

/** pefile get_import_table: thunks until a zero entry, with its sanity checks on hostile tables. */
function readThunks(
  r: Reader,
  map: AddressMap,
  start: number,
  maxLength: number,
  is64: boolean,
  state: { symbols: number },
): Thunk[] | undefined {
  const size = is64 ? 8 : 4;
  const thunks: Thunk[] = [];
  for (let rva = start; rva; rva += size) {
    if (rva >= start + maxLength) break;
    if (state.symbols > MAX_IMPORT_SYMBOLS) break;
    state.symbols++;
    const at = map.offset(rva);
    if (at === undefined || !r.has(at, size)) return undefined;
    const value = is64 ? r.u64(at) : r.u32(at);
    if (value === 0) break;
    if (value >= start && value <= rva) break; // points back into the thunk array itself
    const byOrdinal = is64 ? r.u8(at + 7) >= 0x80 : value >= 0x80000000;
    if (byOrdinal) {
      if ((is64 ? r.u32(at) : value) % 0x80000000 > 0xffff) return [];
      thunks.push({ kind: 'ordinal', ordinal: (is64 ? r.u32(at) : value) & 0xffff });
    } else {
      thunks.push({ kind: 'name', rva: is64 ? value % 2 ** 63 : value % 0x80000000 });
    }
  }
  return thunks;
}

/** Names (strings) or bare ordinals (numbers); invalid names are skipped as pefile does. */
function resolveNames(r: Reader, map: AddressMap, table: Thunk[]): (string | number)[] {
  const out: (string | number)[] = [];
  for (const t of table) {
    if (t.kind === 'ordinal') {
      if (t.ordinal) out.push(t.ordinal);
      continue;
    }
    const at = map.offset(t.rva + 2);
    // pefile drops the whole descriptor when a name cannot be read ("Invalid entries, aborting").
    if (at === undefined || !r.has(at, 1) || map.offset(t.rva) === undefined) return [];
    const name = r.cString(at, MAX_NAME_LENGTH);
    if (!VALID_FUNCTION_CHARS.test(name)) continue;
    if (name) out.push(name);
  }
  return out;
}

/** pefile get_imphash: md5 of "dll.function" pairs in file order, lower case, dll extension dropped. */
export function imphash(imports: PeImport[]): string {
  const parts: string[] = [];
  for (const imp of imports) {
    let lib = imp.dll.toLowerCase();
    const dot = lib.lastIndexOf('.');
    if (dot >= 0 && ['ocx', 'sys', 'dll'].includes(lib.slice(dot + 1))) lib = lib.slice(0, dot);
    for (const f of imp.functions) parts.push(`${lib}.${f.toLowerCase()}`);
  }
  return createHash('md5').update(parts.join(',')).digest('hex');
}
