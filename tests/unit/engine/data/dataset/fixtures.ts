/** Test inputs for dataset assembly: a tiny CSV reader for the shared real data sets, and small synthetic tables. */
import { readFileSync } from 'node:fs';
import type { Column } from '../../../../../src-main/engine/data/dataset/columns';
import type { AssembleInput } from '../../../../../src-main/engine/data/dataset/assemble';
import type { TaskSpec } from '../../../../../src-main/engine/data/dataset/targets';
import { dataSet } from '../../../../helpers/paths';

/** RFC 4180 CSV (quoted cells, doubled quotes, no embedded newlines in these files) as a header and columns. */
export function readCsv(path: string): { header: string[]; cells: string[][] } {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l !== '');
  const parse = (line: string): string[] => {
    const out: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') cell += line[i++];
        else if (ch === '"') quoted = false;
        else cell += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') {
        out.push(cell);
        cell = '';
      } else cell += ch;
    }
    out.push(cell);
    return out;
  };
  const header = parse(lines[0]);
  const rows = lines.slice(1).map(parse);
  return { header, cells: header.map((_, c) => rows.map((row) => row[c])) };
}

export const numbers = (cells: string[]): Column => ({
  kind: 'number',
  values: Float64Array.from(cells, (s) => (s.trim() === '' ? Number.NaN : Number(s))),
});
export const texts = (cells: (string | null)[]): Column => ({ kind: 'text', values: cells });
/** JSON list cells; null (JSON) inside a list becomes NaN, an empty cell a missing list. */
export const lists = (cells: string[]): Column => ({
  kind: 'list',
  values: cells.map((s) => (s.trim() === '' ? null : Float64Array.from(JSON.parse(s) as (number | null)[], (v) => v ?? Number.NaN))),
});

/** Crude numeric descriptors of a formula string (element count, total/max amount, length) standing in for a featurizer. */
export function crudeDescriptors(formulas: string[]): { names: string[]; values: Float64Array } {
  const names = ['n_tokens', 'total_amount', 'max_amount', 'length'];
  const values = new Float64Array(formulas.length * names.length);
  formulas.forEach((f, r) => {
    const amounts = [...f.matchAll(/([A-Z][a-z]?)(\d*\.?\d*)/g)].map((m) => (m[2] === '' ? 1 : Number(m[2])));
    values.set([amounts.length, amounts.reduce((a, b) => a + b, 0), Math.max(...amounts), f.length], r * names.length);
  });
  return { names, values };
}

/** matbench_expt_gap joined file: band gap regression (317 missing) + metal classification, grouped by raw formula. */
export function exptGapInput(seed = 7): AssembleInput & { rawGap: Float64Array } {
  const { header, cells } = readCsv(dataSet('matbench_expt_gap', 'expt_gap_multitask.csv'));
  const col = (name: string) => cells[header.indexOf(name)];
  const formulas = col('formula').map((f) => f.trim());
  const gap = numbers(col('band_gap_eV'));
  const tasks: TaskSpec[] = [
    { name: 'band_gap', kind: 'regression', dataColumn: 'band_gap_eV' },
    { name: 'is_metal', kind: 'classification', dataColumn: 'is_metal' },
  ];
  return {
    descriptors: crudeDescriptors(formulas),
    formulas,
    groups: formulas,
    columns: { band_gap_eV: gap, is_metal: numbers(col('is_metal')) },
    tasks,
    split: { seed, valFraction: 0.1, testFraction: 0.1 },
    origin: { file: 'expt_gap_multitask.csv' },
    rawGap: gap.values as Float64Array,
  };
}

/** mp_phonon_dos: DOS curves on their frequency grid, with n_sites / volume_per_atom as structure descriptors. */
export function phononInput(seed = 11): AssembleInput {
  const { header, cells } = readCsv(dataSet('mp_phonon_dos', 'mp_phonon_dos.csv'));
  const col = (name: string) => cells[header.indexOf(name)];
  const formulas = col('formula').map((f) => f.trim());
  const nSites = numbers(col('n_sites')).values as Float64Array;
  const volume = numbers(col('volume_per_atom')).values as Float64Array;
  const structure = new Float64Array(formulas.length * 2);
  formulas.forEach((_, r) => structure.set([nSites[r], volume[r]], r * 2));
  return {
    descriptors: crudeDescriptors(formulas),
    structure: { names: ['n_sites', 'volume_per_atom'], values: structure },
    formulas,
    columns: { dos: lists(col('dos')), frequency_grid: lists(col('frequency_grid')) },
    tasks: [{ name: 'dos', kind: 'sequence', dataColumn: 'dos', stepsColumn: 'frequency_grid' }],
    split: { seed },
    origin: { file: 'mp_phonon_dos.csv' },
  };
}

/** estm_thermoelectric curves: Seebeck coefficient vs temperature on a grid that varies per curve. */
export function estmInput(seed = 3): AssembleInput {
  const { header, cells } = readCsv(dataSet('estm_thermoelectric', 'estm_curves.csv'));
  const col = (name: string) => cells[header.indexOf(name)];
  const formulas = col('formula').map((f) => f.trim());
  return {
    descriptors: crudeDescriptors(formulas),
    formulas,
    columns: { seebeck_uV_K: lists(col('seebeck_uV_K')), temperature_K: lists(col('temperature_K')), ZT: lists(col('ZT')) },
    tasks: [
      { name: 'seebeck', kind: 'sequence', dataColumn: 'seebeck_uV_K', stepsColumn: 'temperature_K' },
      { name: 'zt', kind: 'sequence', dataColumn: 'ZT', stepsColumn: 'temperature_K' },
    ],
    split: { seed },
    origin: { file: 'estm_curves.csv' },
  };
}

/**
 * A small synthetic table: rows in groups of `groupSize`, one descriptor x with x = row, a regression target
 * y = 2x + 1 missing on every 5th row, a text class "a"/"b", a rare task present on every 10th row,
 * and curves of length 2 + row mod 3 on the grid 10·j.
 */
export function synthetic(n: number, groupSize = 2): AssembleInput {
  const formulas = Array.from({ length: n }, (_, r) => `G${Math.floor(r / groupSize)}`);
  const curves = Array.from({ length: n }, (_, r) => Float64Array.from({ length: 2 + (r % 3) }, (_, j) => r + j));
  const grids = curves.map((c) => Float64Array.from(c, (_, j) => 10 * j));
  return {
    descriptors: { names: ['x'], values: Float64Array.from(formulas, (_, r) => r) },
    formulas,
    columns: {
      y: { kind: 'number', values: Float64Array.from(formulas, (_, r) => (r % 5 === 0 ? Number.NaN : 2 * r + 1)) },
      label: { kind: 'text', values: formulas.map((_, r) => (r % 3 === 0 ? 'b' : 'a')) },
      rare: { kind: 'number', values: Float64Array.from(formulas, (_, r) => (r % 10 === 0 ? r : Number.NaN)) },
      curve: { kind: 'list', values: curves },
      grid: { kind: 'list', values: grids },
    },
    tasks: [
      { name: 'y', kind: 'regression', dataColumn: 'y' },
      { name: 'label', kind: 'classification', dataColumn: 'label' },
      { name: 'rare', kind: 'regression', dataColumn: 'rare' },
      { name: 'curve', kind: 'sequence', dataColumn: 'curve', stepsColumn: 'grid' },
    ],
    split: { seed: 1 },
  };
}
