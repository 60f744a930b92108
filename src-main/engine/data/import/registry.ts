/** The importers by format. Adding a format = one line in formats.ts, one importer module and one line here. */
import { basename } from 'node:path';
import { CrucibleError } from '../../errors';
import { csvImporter, tsvImporter } from './csv-importer';
import { SOURCE_EXTENSIONS, extensionOf, formatOfFile, type SourceFormat } from './formats';
import { parquetImporter } from './parquet-importer';
import type { Importer } from './types';
import { xlsxImporter } from './xlsx-importer';

/** Typed by format, so a format in formats.ts without an importer does not compile. */
export const importers: Readonly<Record<SourceFormat, Importer>> = { csv: csvImporter, tsv: tsvImporter, parquet: parquetImporter, xlsx: xlsxImporter };

/** The importer for `file`'s extension; unknown extensions throw `unsupported` listing the known ones. */
export function importerFor(file: string): Importer {
  const format = formatOfFile(file);
  if (format === undefined) {
    const ext = extensionOf(file);
    throw new CrucibleError('unsupported', `Cannot import ${basename(file)}: files ending in "${ext || '(no extension)'}" are not supported.`, {
      location: { file: basename(file) },
      hint: `Crucible reads ${SOURCE_EXTENSIONS.join(', ')}; export the data in one of these formats.`,
    });
  }
  return importers[format];
}
