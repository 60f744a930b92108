/** The importers by file extension. Adding a format = one importer module + one line here. */
import { basename, extname } from 'node:path';
import { CrucibleError } from '../../errors';
import { csvImporter, tsvImporter } from './csv-importer';
import { parquetImporter } from './parquet-importer';
import type { Importer } from './types';
import { xlsxImporter } from './xlsx-importer';

export const importers: readonly Importer[] = [csvImporter, tsvImporter, parquetImporter, xlsxImporter];

/** The importer for `file`'s extension; unknown extensions throw `unsupported` listing the known ones. */
export function importerFor(file: string): Importer {
  const ext = extname(file).toLowerCase();
  const found = importers.find((i) => i.extensions.includes(ext));
  if (!found) {
    const known = importers.flatMap((i) => i.extensions).join(', ');
    throw new CrucibleError('unsupported', `Cannot import ${basename(file)}: files ending in "${ext || '(no extension)'}" are not supported.`, {
      location: { file: basename(file) },
      hint: `Crucible reads ${known}; export the data in one of these formats.`,
    });
  }
  return found;
}
