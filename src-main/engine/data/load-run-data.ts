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
import { formulaKey, formulaKeyOrNull } from './formula/canonical';
import { joinAttributes } from './join/joined-attributes';
import type { JoinReport } from './join/material-union';
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

/** All numeric columns of a table except `exclude`, joined onto `keys` by `keyOf` of its key column (NaN where a key has no row). */
async function descriptorsByKey(
  src: OpenedSource,
  keyColumn: string,
  keys: readonly (string | null)[],
  exclude: string,
  keyOf: (value: string) => string | null,
): Promise<DescriptorMatrix> {
  const info = await src.store.table(src.table);
  const names = info.columns.filter((c) => c.kind === 'number' && c.name !== keyColumn && c.name !== exclude).map((c) => c.name);
  if (names.length === 0) throw new CrucibleError('bad-input', `${src.label} has no numeric descriptor columns.`);
  const keyValues = textOf(await src.store.readColumn(src.table, keyColumn), `${src.label} "${keyColumn}"`);
  const rowOf = new Map<string, number>();
  keyValues.forEach((value, i) => {
    const k = value === null ? null : keyOf(value);
    if (k !== null && !rowOf.has(k)) rowOf.set(k, i);
  });
  const columns = await Promise.all(names.map((n) => src.store.readColumn(src.table, n)));
  const values = new Float64Array(keys.length * names.length).fill(NaN);
  keys.forEach((key, r) => {
    const source = key === null ? undefined : rowOf.get(key);
    if (source === undefined) return;
    columns.forEach((c, j) => (values[r * names.length + j] = (c as { values: Float64Array }).values[source]));
  });
  return { names, values };
}

/** The table the tasks read: one attributes table as it is, or the union of several (one row per material). */
interface AttributeTable {
  store: DataStore;
  table: string;
  label: string;
  idColumn: string;
  formulaColumn: string | null;
  splitColumn: string | undefined;
  /** The table's column holding a task's `column` / `stepsColumn` as the config writes it. */
  columnOf: (ref: string) => string;
  /** Whether the id column is the material key (a joined run keyed on formulas), and so also the split group. */
  keyedByFormula: boolean;
  sources: DataProvenance[];
  join?: JoinReport;
}

async function openAttributes(cfg: ResolvedRunConfig, scratch: DataStore, opened: OpenedSource[], project?: Project): Promise<AttributeTable> {
  const d = cfg.data;
  if (d.join) {
    const { union, provenance } = await joinAttributes(d.join, cfg.tasks.filter((t) => t.enabled), d.splitColumn, scratch, project);
    return {
      store: scratch,
      table: union.table,
      label: d.join.sources.map((s) => s.name).join(' + '),
      idColumn: union.keyColumn,
      formulaColumn: union.formulaColumn,
      splitColumn: union.splitColumn ?? undefined,
      columnOf: (ref) => union.columnOf.get(ref) ?? ref,
      keyedByFormula: d.join.on === 'formula',
      sources: provenance,
      join: union.report,
    };
  }
  const attrs = await openSource(d.attributes, 'attributes', scratch, project);
  opened.push(attrs);
  const info = await attrs.store.table(attrs.table);
  return {
    store: attrs.store,
    table: attrs.table,
    label: attrs.label,
    idColumn: d.idColumn ?? info.columns[0].name,
    formulaColumn: d.formulaColumn,
    splitColumn: d.splitColumn && info.columns.some((c) => c.name === d.splitColumn) ? d.splitColumn : undefined,
    columnOf: (ref) => ref,
    keyedByFormula: false,
    sources: [attrs.provenance],
  };
}

/** Joined runs list what the join merged or left out, so that nothing goes without a line saying so. */
function joinWarnings(report: JoinReport): string[] {
  const lines: string[] = [];
  for (const s of report.sources) {
    if (s.keyless.rows > 0) lines.push(`${s.source}: ${s.keyless.rows} row(s) have no ${report.on === 'formula' ? 'readable formula' : 'id'} and are left out (rows ${s.keyless.examples.join(', ')}${s.keyless.rows > s.keyless.examples.length ? ', …' : ''}).`);
    if (s.duplicateKeys > 0) lines.push(`${s.source}: ${s.duplicateKeys} material(s) are on several rows; their rows were merged (numbers averaged, classes by majority, curves averaged on one grid).`);
    for (const c of s.conflicts) {
      const example = c.examples[0];
      lines.push(
        `${s.source}: ${c.keys} material(s) disagree on ${c.column}${c.largestSpread !== null ? ` (largest spread ${Number(c.largestSpread.toPrecision(4))})` : ''}${c.differentGrids ? `, ${c.differentGrids} on different grids (first row kept)` : ''}; e.g. ${example.key} on rows ${example.rows.join(', ')}.`,
      );
    }
  }
  if (report.splitDisagreements > 0) lines.push(`${report.splitDisagreements} material(s) have split labels that disagree; each went to the highest of test > val > train.`);
  return lines;
}

export async function loadRunData(cfg: ResolvedRunConfig, opts: { project?: Project } = {}): Promise<LoadedData> {
  const d = cfg.data;
  const scratch = await DataStore.inMemory();
  const opened: OpenedSource[] = [];
  try {
    const attrs = await openAttributes(cfg, scratch, opened, opts.project);
    const enabled = cfg.tasks.filter((t) => t.enabled);
    const needed = new Set<string>([attrs.idColumn, ...(attrs.formulaColumn ? [attrs.formulaColumn] : []), ...(attrs.splitColumn ? [attrs.splitColumn] : [])]);
    for (const t of enabled) {
      needed.add(attrs.columnOf(t.column));
      if (t.stepsColumn) needed.add(attrs.columnOf(t.stepsColumn));
    }
    const columns = new Map<string, Column>();
    for (const name of needed) columns.set(name, await attrs.store.readColumn(attrs.table, name));
    const ids = textOf(columns.get(attrs.idColumn)!, `id "${attrs.idColumn}"`);
    const formulas = attrs.formulaColumn ? textOf(columns.get(attrs.formulaColumn)!, `formula "${attrs.formulaColumn}"`) : ids;
    // Descriptor tables join a joined run's materials by the same key: the canonical formula of their formula column.
    const keyOf = attrs.keyedByFormula ? (k: string) => formulaKeyOrNull(k) : (k: string) => k;
    const descriptorKeyColumn = async (src: OpenedSource) => {
      const columns = (await src.store.table(src.table)).columns.map((c) => c.name);
      if (attrs.keyedByFormula && d.formulaColumn !== null && columns.includes(d.formulaColumn)) return d.formulaColumn;
      return d.idColumn ?? columns[0];
    };

    let descriptors: DescriptorMatrix;
    let featurizer: LoadedData['featurizer'] = null;
    if (d.featurizer) {
      const f = featurizeFormulas(formulas.map((x) => x ?? ''), d.featurizer);
      descriptors = { names: [...f.featurizer.featureNames], values: f.values };
      featurizer = { id: f.featurizer.id, tableSha256: f.featurizer.tableSha256 };
    } else {
      const src = await openSource(d.formulaDescriptors!, 'formula descriptors', scratch, opts.project);
      opened.push(src);
      descriptors = await descriptorsByKey(src, await descriptorKeyColumn(src), ids, d.formulaColumn ?? '', keyOf);
    }
    let structure: DescriptorMatrix | undefined;
    if (d.structureDescriptors) {
      const src = await openSource(d.structureDescriptors, 'structure descriptors', scratch, opts.project);
      opened.push(src);
      structure = await descriptorsByKey(src, await descriptorKeyColumn(src), ids, d.formulaColumn ?? '', keyOf);
    }
    const groups = formulas.map((f, i) => {
      if (attrs.keyedByFormula && ids[i] !== null) return ids[i]!;
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
      tasks: enabled.map((t) => ({ name: t.name, kind: t.kind, dataColumn: attrs.columnOf(t.column), stepsColumn: t.stepsColumn ? attrs.columnOf(t.stepsColumn) : undefined })),
      splitColumn: attrs.splitColumn,
      split: { seed: d.trainRandomSeed, valFraction: d.valSplit, testFraction: d.testSplit, testAll: d.testAll },
      origin: { file: attrs.label },
    });
    if (attrs.join) set.report.warnings.unshift(...joinWarnings(attrs.join));
    return { set, sources: [...attrs.sources, ...opened.filter((o) => !attrs.sources.includes(o.provenance)).map((o) => o.provenance)], featurizer, ...(attrs.join && { join: attrs.join }) };
  } finally {
    for (const store of new Set(opened.map((o) => o.store))) if (store !== scratch) await store.close();
    await scratch.close();
  }
}
