/** Shared shapes of the import pipeline: options, problems, staged files and the importer interface. */
import type { ErrorLocation } from '../../errors';
import type { Curve, LongFormat, SourceFormat, TableMeta } from '../../project/schema';
import type { ColumnInfo } from '../store/data-store';
import type { DecimalMark, TextDelimiter } from './formats';
import type { SqlConnection } from '../store/sql-connection';

/** error: the import is refused; warning: imported, but look at this; notice: what the importer decided for you. */
export type Severity = 'error' | 'warning' | 'notice';

export interface Problem {
  severity: Severity;
  /** What is wrong, without the location (which `location` carries). */
  message: string;
  location?: ErrorLocation;
  /** What to do about it. */
  hint?: string;
}

/** How a delimited text file (CSV, TSV) is read: the character between fields and the decimal mark of its numbers. */
export interface TextReading {
  delimiter: TextDelimiter;
  decimalMark: DecimalMark;
}

/** How a long-format file is folded into curves: `--long ID,X,Y[,Y2…]` (ID may join columns with '+'). */
export type LongSpec = Omit<LongFormat, 'sourceRows'>;

export interface ImportOptions {
  /** Table name; default: the file name, sanitised. */
  table?: string;
  /** Column holding chemical formulas; default: a column named "formula" or "composition", if any. */
  formulaColumn?: string;
  /** Column identifying each row (excluded from the duplicate check). */
  idColumn?: string;
  /** List columns measured on other list columns. */
  curves?: Curve[];
  long?: LongSpec;
  /** The reading of a delimited text file, where the detected one is wrong; what is not given is still detected. */
  reading?: Partial<TextReading>;
  /** Replace an existing table of the same name instead of refusing. */
  replace?: boolean;
}

export interface ImportResult {
  table: TableMeta;
  columns: ColumnInfo[];
  /** Warnings and notices (errors abort the import). */
  problems: Problem[];
}

/** Maps 0-based data-row indices of the staged table onto the 1-based rows a spreadsheet shows (header = row 1). */
export interface RowNumbering {
  rows(indices: readonly number[]): Promise<number[]>;
}

/** A file loaded into a scratch table, as raw as its format allows, with what the reader noticed. */
export interface StagedFile {
  format: SourceFormat;
  /** Reader-level problems (ragged rows, bad encoding) and notices (e.g. decimal commas). */
  problems: Problem[];
  rowNumbers: RowNumbering;
  /** How a delimited text file was read (absent for other formats). */
  reading?: TextReading;
}

/** How one file format (formats.ts, where its extensions are) loads a file into a table. */
export interface Importer {
  format: SourceFormat;
  /**
   * Creates `table` from `file` inside the caller's transaction. Throws ImportProblemsError for files that
   * cannot be read at all (empty, binary); reports row-level problems in the result.
   */
  stage(sql: SqlConnection, file: string, table: string, opts?: Pick<ImportOptions, 'reading'>): Promise<StagedFile>;
}
