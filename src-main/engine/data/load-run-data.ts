/**
 * Everything a run trains on, loaded from its config: the attributes table (a project table or a
 * file), descriptors (featurized formulas or descriptor tables joined by id), optional structure
 * descriptors, then assembled, split and described with hashes for the run's provenance.
 */
import { basename } from 'node:path';
import type { ResolvedRunConfig, ResolvedSource } from '../config/types';
import { CrucibleError } from '../errors';
import type { Project } from '../project/project';
import type { DataProvenance } from '../train/provenance';
import type { LoadedData } from '../train/run-training';
import { sha256File } from '../util/hash';
import { assembleTrainingSet, type DescriptorMatrix } from './dataset/assemble';
import type { Column } from './dataset/columns';
import { elementTokenTable, tokenizeFormulas } from './featurize/element-tokens';
import { featurizeFormulas } from './featurize/index';
import { formulaKey } from './formula/canonical';
import { importIntoStore } from './import/import-into-store';
import { DataStore } from './store/data-store';

interface OpenedSource {
  store: DataStore;
  table: string;
  provenance: DataProvenance;
  label: string;
}

async function openSource(source: ResolvedSource, role: string, scratch: DataStore, project?: Project): Promise<OpenedSource> {
  if (source.kind === 'table') {
    if (!project) throw new CrucibleError('bad-config', `The ${role} come from table "${source.table}", which needs a project.`, { hint: 'Pass --project DIR.' });
    const meta = project.table(source.table);
    if (!meta) throw new CrucibleError('not-found', `Project "${project.name}" has no table "${source.table}".`, { hint: `Tables: ${project.tables.map((t) => t.name).join(', ') || 'none yet'}.` });
    const store = await project.openStore();
    return { store, table: source.table, label: `table ${source.table}`, provenance: { source: `table:${source.table}`, sha256: meta.sourceSha256, rows: meta.rowCount } };
  }
  const table = role.replace(/\W+/g, '_');
  const prepared = await importIntoStore(scratch, source.path, table);
  return { store: scratch, table, label: basename(source.path), provenance: { source: source.path, sha256: await sha256File(source.path), rows: prepared.rowCount } };
}

function textOf(column: Column, what: string): (string | null)[] {
  if (column.kind === 'text') return column.values;
  if (column.kind === 'number') return Array.from(column.values, (v) => (Number.isNaN(v) ? null : String(v)));
  throw new CrucibleError('bad-input', `The ${what} column holds lists, not text.`);
}

/** All numeric columns of a table except `exclude`, joined onto `keys` (NaN where a key has no row). */
async function descriptorsByKey(src: OpenedSource, keyColumn: string, keys: readonly (string | null)[], exclude: string): Promise<DescriptorMatrix> {
  const info = await src.store.table(src.table);
  const names = info.columns.filter((c) => c.kind === 'number' && c.name !== keyColumn && c.name !== exclude).map((c) => c.name);
  if (names.length === 0) throw new CrucibleError('bad-input', `${src.label} has no numeric descriptor columns.`);
  const keyValues = textOf(await src.store.readColumn(src.table, keyColumn), `${src.label} "${keyColumn}"`);
  const rowOf = new Map<string, number>();
  keyValues.forEach((k, i) => k !== null && !rowOf.has(k) && rowOf.set(k, i));
  const columns = await Promise.all(names.map((n) => src.store.readColumn(src.table, n)));
  const values = new Float64Array(keys.length * names.length).fill(NaN);
  keys.forEach((key, r) => {
    const source = key === null ? undefined : rowOf.get(key);
    if (source === undefined) return;
    columns.forEach((c, j) => (values[r * names.length + j] = (c as { values: Float64Array }).values[source]));
  });
  return { names, values };
}

export async function loadRunData(cfg: ResolvedRunConfig, opts: { project?: Project } = {}): Promise<LoadedData> {
  const d = cfg.data;
  const scratch = await DataStore.inMemory();
  const opened: OpenedSource[] = [];
  try {
    const attrs = await openSource(d.attributes, 'attributes', scratch, opts.project);
    opened.push(attrs);
    const info = await attrs.store.table(attrs.table);
    const idColumn = d.idColumn ?? info.columns[0].name;
    const needed = new Set<string>([idColumn, ...(d.formulaColumn ? [d.formulaColumn] : []), ...(d.splitColumn && info.columns.some((c) => c.name === d.splitColumn) ? [d.splitColumn] : [])]);
    for (const t of cfg.tasks) {
      needed.add(t.column);
      if (t.stepsColumn) needed.add(t.stepsColumn);
    }
    const columns = new Map<string, Column>();
    for (const name of needed) columns.set(name, await attrs.store.readColumn(attrs.table, name));
    const ids = textOf(columns.get(idColumn)!, `id "${idColumn}"`);
    const formulas = d.formulaColumn ? textOf(columns.get(d.formulaColumn)!, `formula "${d.formulaColumn}"`) : ids;

    let descriptors: DescriptorMatrix;
    let featurizer: LoadedData['featurizer'] = null;
    if (d.featurizer) {
      const f = featurizeFormulas(formulas.map((x) => x ?? ''), d.featurizer);
      descriptors = { names: [...f.featurizer.featureNames], values: f.values };
      featurizer = { id: f.featurizer.id, tableSha256: f.featurizer.tableSha256 };
    } else {
      const src = await openSource(d.formulaDescriptors!, 'formula descriptors', scratch, opts.project);
      opened.push(src);
      descriptors = await descriptorsByKey(src, d.idColumn ?? (await src.store.table(src.table)).columns[0].name, ids, d.formulaColumn ?? '');
    }
    let structure: DescriptorMatrix | undefined;
    if (d.structureDescriptors) {
      const src = await openSource(d.structureDescriptors, 'structure descriptors', scratch, opts.project);
      opened.push(src);
      structure = await descriptorsByKey(src, d.idColumn ?? (await src.store.table(src.table)).columns[0].name, ids, d.formulaColumn ?? '');
    }
    const groups = formulas.map((f, i) => {
      if (f === null) return `row:${i}`;
      try {
        return formulaKey(f);
      } catch {
        return f.trim();
      }
    });
    const elements = cfg.model.elements;
    const tokens = elements ? tokenizeFormulas(formulas, elementTokenTable(elements.table)) : undefined;
    const set = assembleTrainingSet({
      descriptors,
      structure,
      ...(tokens ? { composition: { data: tokens.composition, failed: tokens.failures.map((f) => f.index) } } : {}),
      formulas: formulas.map((f) => f ?? ''),
      groups,
      ids: ids.map((x, i) => x ?? String(i + 2)),
      columns,
      tasks: cfg.tasks.filter((t) => t.enabled).map((t) => ({ name: t.name, kind: t.kind, dataColumn: t.column, stepsColumn: t.stepsColumn ?? undefined })),
      splitColumn: d.splitColumn && columns.has(d.splitColumn) ? d.splitColumn : undefined,
      split: { seed: d.trainRandomSeed, valFraction: d.valSplit, testFraction: d.testSplit, testAll: d.testAll },
      origin: { file: attrs.label },
    });
    return { set, sources: opened.map((o) => o.provenance), featurizer };
  } finally {
    for (const store of new Set(opened.map((o) => o.store))) if (store !== scratch) await store.close();
    await scratch.close();
  }
}
