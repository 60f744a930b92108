/** The one table of import formats, and the places that read it: the importer registry, config sources, the folder picker. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../../src-main/engine/config';
import {
  SOURCE_EXTENSIONS,
  SOURCE_FORMATS,
  extensionOf,
  formatNames,
  formatOfFile,
} from '../../../../../src-main/engine/data/import/formats';
import { importerFor, importers } from '../../../../../src-main/engine/data/import/registry';
import { FolderBrowser } from '../../../../../src-main/engine/files/folder-browser';
import { scratchDir } from '../../../../helpers/paths';

const scratch = scratchDir();
afterAll(() => scratch.cleanup());

describe('the import format table', () => {
  it('finds extensions as Node does, whatever the case and the folders', () => {
    expect(['a/b.c/data.CSV', 'C:\\x.y\\t.Tab', '.csv', 'noext', 'dir.d/noext', 'x.tar.pq'].map(extensionOf)).toEqual(['.csv', '.tab', '', '', '', '.pq']);
    expect(['gaps.txt', 'gaps.tsv', 'gaps.pq', 'book.xlsx', 'book.xls', 'gaps.json'].map(formatOfFile)).toEqual(['csv', 'tsv', 'parquet', 'xlsx', undefined, undefined]);
  });

  it('has one importer per format, and the registry picks it by extension', () => {
    for (const format of Object.keys(SOURCE_FORMATS) as (keyof typeof SOURCE_FORMATS)[]) {
      expect(importers[format].format).toBe(format);
      for (const ext of SOURCE_FORMATS[format].extensions) expect(importerFor(`data${ext.toUpperCase()}`).format).toBe(format);
    }
    expect(() => importerFor('data.json')).toThrow(/files ending in "\.json" are not supported/);
  });

  it('names the formats for sentences', () => {
    expect(formatNames()).toBe('CSV, TSV, Parquet or Excel (.xlsx)');
    expect(formatNames('and')).toBe('CSV, TSV, Parquet and Excel (.xlsx)');
  });

  it('decides which files a config source and the folder picker accept', async () => {
    for (const ext of SOURCE_EXTENSIONS) writeFileSync(join(scratch.dir, `t${ext}`), 'formula,gap\nNaCl,8.5\n');
    writeFileSync(join(scratch.dir, 'notes.json'), '{}');
    writeFileSync(join(scratch.dir, 'model.crucible'), '');
    const listing = await new FolderBrowser([scratch.dir]).list(scratch.dir, { files: true });
    expect(listing.entries.map((e) => e.name).sort()).toEqual([...SOURCE_EXTENSIONS.map((ext) => `t${ext}`), 'model.crucible'].sort());
    const config = (source: string) => `model:
  init_args:
    shared_block_dims: [auto, 8]
    task_configs: [{ name: gap, type: regression }]
data:
  init_args: { attributes_source: ${source}, formula_column: formula }
`;
    expect(parseConfigText(config('t.tab'), { baseDir: scratch.dir }).data.attributes).toMatchObject({ kind: 'file', format: 'tsv' });
    expect(() => parseConfigText(config('notes.json'), { baseDir: scratch.dir })).toThrow(/Crucible reads CSV, TSV, Parquet and Excel \(\.xlsx\) files/);
  });
});
