/** Loads an element property table (resources/elements/*.csv) into a dense [atomic number × property] array. */
import { sha256 } from '../../util/hash';
import { readFileSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { CrucibleError } from '../../errors';
import { resourcesDir } from '../../paths';
import { atomicNumber, MAX_ATOMIC_NUMBER } from '../formula/periodic-table';

/** One element property table: rows are elements, columns numeric properties; unknown values are NaN. */
export interface ElementTable {
  /** File name, e.g. `magpie_elementdata_matminer.csv`. */
  readonly file: string;
  readonly path: string;
  /** Property (column) names in file order, without the leading `element` column. */
  readonly propertyNames: readonly string[];
  /**
   * `values[z * propertyNames.length + p]` is property p of the element with atomic number z, for z in
   * 0..118 (row 0 unused); NaN where the table leaves the cell empty or has no row for the element.
   */
  readonly values: Float64Array;
  /** `present[z]` is 1 when the table has a row for atomic number z. */
  readonly present: Uint8Array;
  /** Number of element rows. */
  readonly elementCount: number;
  /** Hex sha-256 of the file's bytes, for provenance in exports and model metadata. */
  readonly sha256: string;
}

const cache = new Map<string, ElementTable>();

/** The folder holding the shipped tables. */
export function elementTablesDir(): string {
  return join(resourcesDir(), 'elements');
}

/**
 * Loads a table by file name from resources/elements (or by absolute path), cached by path.
 * The CSV must have a header `element,<property>,…`, one row per element symbol, and plain decimal numbers
 * or empty cells. Read by hand rather than through DuckDB: the tables are small and unquoted, the bytes are
 * hashed anyway, and loading synchronously keeps the featurizers synchronous.
 */
export function loadElementTable(file: string): ElementTable {
  const path = isAbsolute(file) ? file : join(elementTablesDir(), file);
  const cached = cache.get(path);
  if (cached) return cached;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new CrucibleError('not-found', `Element property table ${path} cannot be read.`, {
      cause: e,
      hint: 'Reinstall Crucible: the tables ship in its resources/elements folder.',
    });
  }
  const table = parseTable(basename(path), path, bytes);
  cache.set(path, table);
  return table;
}

function parseTable(file: string, path: string, bytes: Buffer): ElementTable {
  const lines = bytes.toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const header = lines[0]?.split(',') ?? [];
  const bad = (row: number, column: string | undefined, what: string): CrucibleError =>
    new CrucibleError('bad-input', `Element property table ${file}: ${what}.`, {
      location: { file: path, row, column },
      hint: 'Element tables need a header "element,<property>,…" and one row per element symbol with numbers or empty cells.',
    });
  if (header[0] !== 'element' || header.length < 2) throw bad(1, header[0], 'the header must start with "element" and name at least one property');
  const propertyNames = header.slice(1);
  const seenNames = new Set<string>();
  for (const name of propertyNames) {
    if (name === '' || seenNames.has(name)) throw bad(1, name, `property name "${name}" is empty or repeated`);
    seenNames.add(name);
  }
  const width = propertyNames.length;
  const values = new Float64Array((MAX_ATOMIC_NUMBER + 1) * width).fill(NaN);
  const present = new Uint8Array(MAX_ATOMIC_NUMBER + 1);
  for (let r = 1; r < lines.length; r++) {
    const cells = lines[r].split(',');
    const row = r + 1;
    if (cells.length !== header.length) throw bad(row, undefined, `row ${row} has ${cells.length} cells, the header ${header.length}`);
    const z = atomicNumber(cells[0]);
    if (z === 0) throw bad(row, 'element', `"${cells[0]}" is not an element symbol`);
    if (present[z]) throw bad(row, 'element', `element ${cells[0]} appears twice`);
    present[z] = 1;
    for (let p = 0; p < width; p++) {
      const cell = cells[p + 1];
      if (cell.trim() === '') continue; // Number('  ') would be 0: a blank cell is a missing value
      const value = Number(cell);
      if (!Number.isFinite(value)) throw bad(row, propertyNames[p], `"${cell}" is not a number`);
      values[z * width + p] = value;
    }
  }
  return {
    file,
    path,
    propertyNames,
    values,
    present,
    elementCount: lines.length - 1,
    sha256: sha256(bytes),
  };
}
