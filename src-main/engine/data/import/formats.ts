/**
 * The file formats Crucible imports, defined once: each format's id (stored as a table's `format` in
 * project.json), its name for people and the extensions that select it. The importer registry has one
 * importer per format; the config's sources, the folder picker, the CLI's help and the UI's texts all read
 * this table. Pure (no Node imports): the API contract, and through it the renderer, import it too.
 */

export const SOURCE_FORMATS = {
  csv: { label: 'CSV', extensions: ['.csv', '.txt'] },
  tsv: { label: 'TSV', extensions: ['.tsv', '.tab'] },
  parquet: { label: 'Parquet', extensions: ['.parquet', '.pq'] },
  xlsx: { label: 'Excel (.xlsx)', extensions: ['.xlsx'] },
} as const satisfies Record<string, { label: string; extensions: readonly `.${string}`[] }>;

export type SourceFormat = keyof typeof SOURCE_FORMATS;

/** The field delimiters a delimited text file may use, with their names for people. */
export const TEXT_DELIMITERS = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'vertical bar' } as const;
export type TextDelimiter = keyof typeof TEXT_DELIMITERS;

/** The decimal marks numbers of a text file may be written with, with their names for people. */
export const DECIMAL_MARKS = { '.': 'point (1.5)', ',': 'comma (1,5)' } as const;
export type DecimalMark = keyof typeof DECIMAL_MARKS;

/** The format ids, in table order (a non-empty tuple, as `z.enum` wants it). */
export const SOURCE_FORMAT_IDS = Object.keys(SOURCE_FORMATS) as [SourceFormat, ...SourceFormat[]];

/** Every extension an importer claims, lower case with the dot. */
export const SOURCE_EXTENSIONS: readonly string[] = SOURCE_FORMAT_IDS.flatMap((f) => SOURCE_FORMATS[f].extensions);

/** The extension of a file name or path, lower case with the dot ('' for none), as Node's `extname` finds it. */
export function extensionOf(file: string): string {
  const name = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

/** The format a file's extension selects, or undefined for an extension no importer reads. */
export function formatOfFile(file: string): SourceFormat | undefined {
  const ext = extensionOf(file);
  return SOURCE_FORMAT_IDS.find((f) => (SOURCE_FORMATS[f].extensions as readonly string[]).includes(ext));
}

/**
 * The formats for a sentence.
 *
 * @example `Crucible reads ${formatNames('and')} files.` // "Crucible reads CSV, TSV, Parquet and Excel (.xlsx) files."
 */
export function formatNames(conjunction: 'and' | 'or' = 'or'): string {
  const labels = SOURCE_FORMAT_IDS.map((f) => SOURCE_FORMATS[f].label);
  return `${labels.slice(0, -1).join(', ')} ${conjunction} ${labels[labels.length - 1]}`;
}

/** Where predictions of a file are saved unless the user says otherwise: beside it, `<its name without extension>.predictions.csv`. */
export function predictionsFileFor(input: string): { folder: string; name: string } {
  const cut = Math.max(input.lastIndexOf('/'), input.lastIndexOf('\\'));
  const name = input.slice(cut + 1);
  const ext = extensionOf(name);
  // A file at a root (/x.csv, C:\x.csv) keeps the root's separator.
  const folder = cut < 0 ? '.' : /^([A-Za-z]:)?$/.test(input.slice(0, cut)) ? input.slice(0, cut + 1) : input.slice(0, cut);
  return { folder, name: `${ext ? name.slice(0, -ext.length) : name}.predictions.csv` };
}
