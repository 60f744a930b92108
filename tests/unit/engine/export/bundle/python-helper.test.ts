/**
 * The bundle's Python helper (resources/python/crucible_predict.py) under Debian's python3 and numpy: it reads
 * every formula of the data sets in data/ into the vectors Crucible's CompositionEncoder builds, refusing the same
 * formulas with the same messages; and on a bundle from a real run, its vectors fed to onnxruntime-node (Python's
 * onnxruntime cannot be installed here) predict what `crucible predict` predicts, and the CSV it writes, with those
 * outputs replayed through a stand-in onnxruntime module that checks every feed, holds the same predictions.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { zipSync } from 'fflate';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompositionEncoder } from '../../../../../src-main/engine/data/featurize/composition-vector';
import { FEATURIZER_IDS, getFeaturizer, type FeaturizerId } from '../../../../../src-main/engine/data/featurize/index';
import { formulaKeyOrNull } from '../../../../../src-main/engine/data/formula/canonical';
import { isReadAsMissing } from '../../../../../src-main/engine/data/import/missing-values';
import { exportBundle, MEMBERS, readBundle, type Bundle } from '../../../../../src-main/engine/export/bundle/index';
import { pythonHelperPath } from '../../../../../src-main/engine/export/bundle/python-helper';
import { compositionTable } from '../../../../../src-main/engine/export/onnx/composition-graph';
import { predictBatch, type PredictSummary } from '../../../../../src-main/engine/infer/index';
import { repoRoot, scratchDir } from '../../../../helpers/paths';
import { dataFormulas } from '../../data/formula/data-formulas';
import { expectParity } from '../onnx-harness';
import { GAP_RUN, trainRun } from './trained-runs';

const PYTHON = '/usr/bin/python3';
const SOURCE = "the model's element table";

/** Formulas of every rule of the grammar, accepted and refused, beside the data sets' (which all parse). */
const NOTATION = [
  ...['Fe2O3', 'Fe3.0O2.0', 'H10000', 'K4[Fe(CN)6]', '{[(H2O)2]3}0.5', 'CH3CH2OH', 'OFeO2', 'MoO3·0.5H2O', 'Fe2.O3', 'Na2SO4.(H2O)10'],
  ...['CuSO4·5H2O', 'CuSO4•5H2O', 'CuSO4⋅5H2O', 'CuSO4∙5H2O', 'CuSO4*5H2O', 'CuSO4 · 5H2O', ' CuSO4*5H2O\t', '  \tNaCl \r\n', 'NaCl\u00a0'],
  ...['CuSO4.5(H2O)', 'Fe0.5H2O3', 'Fe0.5H2O', 'Fe0.5H2O·H2O', '(Fe0.5H2O)', 'Fe0.5H2O.H2O', 'Fe0.5H2OH', '2Fe·3H2O', '0.5(H2O)'],
  ...['Xx2O', 'Fe2Q3', '', '   ', '(Fe2O3', 'Fe2(O3', 'Fe2O3)', 'Fe(O]3', 'Fe()2', 'Fe0O3', 'Fe0.000O3', '(FeO)0', 'Fe-2O3', 'Fe2O3abc'],
  ...['fe2O3', 'Fe2O3#', 'Fe2O3 x', 'Fe2 O3', 'Fe1e-3', 'CuSO4.5H2O', 'Zn(OH)2.5H2O', 'CaSO4.0.5H2O', 'Fe.5Ni.5', 'CuSO4·', 'Fe2O3.'],
  ...['·H2O', 'CuSO4··H2O', '5', '(CuSO4·5H2O)', '  Xx', 'Fe😀2', '😀Fe', 'Fe2O3 😀', 'Og2Ts', 'PuO2', 'Fe2O3 ·', 'Fe2O3\u00a0·\u00a0H2O'],
  ...['Fe0.12345678901234567890123', `H${'9'.repeat(30)}`, `H${'9'.repeat(400)}`, `Fe0.${'0'.repeat(30)}1`, 'Fe0000002', 'NaN', 'nan', ' NaN '],
];

interface Vectors {
  elements: string[];
  rows: ({ row: number; canonical: string; vector: Record<string, number> } | { row: number; canonical: string; error: string })[];
}

function python(args: string[], env: Record<string, string> = {}): { stdout: string; stderr: string } {
  const result = spawnSync(PYTHON, [pythonHelperPath(), ...args], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 30 });
  if (result.error) throw new Error(`Cannot run ${PYTHON} (${result.error.message}): install python3 and python3-numpy.`);
  expect(result.status, result.stderr).toBe(0);
  return { stdout: result.stdout, stderr: result.stderr };
}

const quoted = (cell: string) => `"${cell.replaceAll('"', '""')}"`;

function writeCsv(file: string, header: string[], rows: string[][]): void {
  writeFileSync(file, [header, ...rows].map((r) => r.map(quoted).join(',')).join('\n') + '\n');
}

/** A CSV's cells, or a Parquet file's values as text (`crucible predict` rounds CSV values; Parquet keeps what the helper is compared with). */
async function readCsv(file: string): Promise<{ columns: string[]; rows: Record<string, string | null>[] }> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const reader = await c.runAndReadAll(
      file.endsWith('.parquet') ? `SELECT COLUMNS(*)::VARCHAR FROM '${file}'` : `SELECT * FROM read_csv('${file}', header = true, all_varchar = true)`,
    );
    return { columns: reader.columnNames(), rows: reader.getRowObjectsJS() as Record<string, string | null>[] };
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

describe('the Python helper crucible_predict.py', () => {
  const scratch = scratchDir('crucible-python-helper-');
  afterAll(() => scratch.cleanup());

  describe('builds the composition vectors Crucible builds', () => {
    let formulas: string[];
    let input: string;
    beforeAll(async () => {
      const data = await dataFormulas();
      // Real amounts inside groups and adducts too.
      const derived = data.filter((f) => f !== '').flatMap((f, i) => (i % 10 === 0 ? [`(${f})2`, `${f}·0.5H2O`, `${f}.${f}`] : []));
      formulas = [...new Set([...data, ...derived, ...NOTATION])];
      input = join(scratch.dir, 'formulas.csv');
      writeCsv(
        input,
        ['formula'],
        formulas.map((f) => [f]),
      );
    });

    /** A bundle holding only what the vectors need: the manifest's composition input over featurizer `id`'s elements. */
    function vectorsBundle(id: FeaturizerId): string {
      const elements = compositionTable(getFeaturizer(id)).elements;
      const bundle = join(scratch.dir, `${id}.crucible`);
      const manifest = { formatVersion: 2, input: { formulaColumn: 'formula', composition: { input: 'composition', elements } } };
      writeFileSync(bundle, zipSync({ [MEMBERS.manifest]: new TextEncoder().encode(JSON.stringify(manifest)) }));
      return bundle;
    }

    for (const id of FEATURIZER_IDS) {
      it(`over the ${id} element table, for every formula of data/`, () => {
        const elements = compositionTable(getFeaturizer(id)).elements;
        const out = join(scratch.dir, `${id}-vectors.json`);
        python([vectorsBundle(id), input, '--vectors-json', out]);
        const py = JSON.parse(readFileSync(out, 'utf8')) as Vectors;
        expect(py.elements).toEqual(elements);
        expect(py.rows).toHaveLength(formulas.length);

        const e = elements.length;
        const ts = new Float32Array(formulas.length * e);
        // As `crucible predict` reads a CSV: NaN cells are missing, i.e. empty formulas.
        const failures = new CompositionEncoder(elements, SOURCE).encodeInto(
          formulas.map((f) => (isReadAsMissing(f) ? '' : f)),
          ts,
        );
        const tsErrors = new Map(failures.map((f) => [f.index, `${f.reason} ${f.hint}`]));
        expect(tsErrors.size).toBeGreaterThan(NOTATION.length / 3);
        const column = new Map(elements.map((s, j) => [s, j]));
        const mismatches: string[] = [];
        // File lines: a formula with a line break inside its quotes spans two.
        expect(py.rows[0].row).toBe(2);
        expect(py.rows.every((row, r) => r === 0 || row.row > py.rows[r - 1].row)).toBe(true);
        py.rows.forEach((row, r) => {
          const want = tsErrors.get(r);
          if ('error' in row || want !== undefined) {
            const got = 'error' in row ? row.error : 'accepted';
            if (got !== (want ?? 'accepted')) mismatches.push(`${JSON.stringify(formulas[r])}: Python ${got}; TypeScript ${want ?? 'accepted'}`);
            return;
          }
          const vector = new Float64Array(e);
          for (const [symbol, v] of Object.entries(row.vector)) vector[column.get(symbol)!] = v;
          for (let j = 0; j < e; j++) {
            if (!(Math.abs(vector[j] - ts[r * e + j]) <= 1e-9)) {
              mismatches.push(`${JSON.stringify(formulas[r])} ${elements[j]}: Python ${vector[j]}, TypeScript ${ts[r * e + j]}`);
              break;
            }
          }
        });
        expect(mismatches.slice(0, 10), `${mismatches.length} of ${formulas.length} formulas differ`).toEqual([]);
      });
    }

    it('writes the canonical formula Crucible writes, for every formula of data/', () => {
      const py = JSON.parse(python([vectorsBundle('magpie'), input, '--vectors-json', '-']).stdout) as Vectors;
      const differ = py.rows.flatMap((row, r) => {
        const want = isReadAsMissing(formulas[r]) ? '' : (formulaKeyOrNull(formulas[r]) ?? '');
        return row.canonical === want ? [] : [`${JSON.stringify(formulas[r])}: Python ${row.canonical}, TypeScript ${want}`];
      });
      expect(differ.slice(0, 10), `${differ.length} of ${formulas.length} formulas differ`).toEqual([]);
      expect(py.rows.filter((r) => r.canonical !== '').length).toBeGreaterThan(formulas.length / 2);
    });
  });

  // An ensemble's bundle also has each regression task's spread and interval outputs, which the helper writes as `<task>_std`, `_lo`, `_hi`.
  describe.each([
    { model: 'one model', yaml: GAP_RUN.replace('max_epochs: 3', 'max_epochs: 1'), extra: [] as string[] },
    {
      model: 'a two-member ensemble',
      yaml: `${GAP_RUN.replace('max_epochs: 3', 'max_epochs: 1')}\nensemble: { size: 2 }\n`,
      extra: ['band_gap_std', 'band_gap_lo', 'band_gap_hi'],
    },
  ])('on a bundle from an expt_gap run ($model)', ({ model, yaml, extra }) => {
    const tag = model.replaceAll(' ', '-');
    let bundleFile: string;
    let bundle: Bundle;
    let input: string;
    let vectors: Vectors;
    let crucible: { summary: PredictSummary; columns: string[]; rows: Record<string, string | null>[] };
    const bad = new Map([
      [3, 'Fe2 O3'],
      [7, 'Og2'],
      [8, ''],
    ]);

    beforeAll(async () => {
      const run = await trainRun(yaml, join(scratch.dir, `run-gap-${tag}`));
      mkdirSync(join(scratch.dir, tag));
      bundleFile = (await exportBundle(run, join(scratch.dir, tag, 'gap.crucible'))).file;
      bundle = await readBundle(bundleFile);
      const formulas = (await dataFormulas()).filter((f) => f !== '').slice(0, 400);
      for (const [r, f] of bad) formulas.splice(r, 0, f);
      input = join(scratch.dir, `materials-${tag}.csv`);
      writeCsv(
        input,
        ['sample_id', 'formula'],
        formulas.map((f, i) => [`s${i}`, f]),
      );
      vectors = JSON.parse(python([bundleFile, input, '--vectors-json', '-']).stdout) as Vectors;
      const out = join(scratch.dir, `crucible-predictions-${tag}.parquet`);
      const summary = await predictBatch({ model: bundleFile, input, output: out }, { emit: () => {}, signal: new AbortController().signal });
      crucible = { summary, ...(await readCsv(out)) };
    }, 60_000);

    it('ships the helper in the bundle, with the element list the graph reads', () => {
      expect(bundle.members.get(MEMBERS.python)).toEqual(new Uint8Array(readFileSync(pythonHelperPath())));
      expect(bundle.manifest.input.composition).toEqual({ input: 'composition', elements: compositionTable(getFeaturizer('magpie')).elements });
      expect(vectors.elements).toEqual(bundle.manifest.input.composition!.elements);
      const card = new TextDecoder().decode(bundle.members.get(MEMBERS.readme));
      expect(card).toContain(`python ${MEMBERS.python} gap.crucible materials.csv -o predictions.csv`);
      expect(card).toContain('feeding its vectors to onnxruntime-node');
    });

    /** The model on the helper's vectors in onnxruntime-node: every row a composition row, no descriptor rows. */
    async function onHelperVectors(): Promise<{
      feeds: Record<string, ort.Tensor>;
      outputs: ort.InferenceSession.OnnxValueMapType;
      session: ort.InferenceSession;
    }> {
      const { input: io } = bundle.manifest;
      const { elements } = io.composition!;
      const ok = vectors.rows.filter((r): r is Extract<Vectors['rows'][number], { vector: unknown }> => 'vector' in r);
      const amounts = new Float32Array(ok.length * elements.length);
      ok.forEach((r, i) => elements.forEach((s, j) => (amounts[i * elements.length + j] = r.vector[s] ?? 0)));
      const feeds = {
        [io.descriptors.input]: new ort.Tensor('float32', new Float32Array(0), [0, io.descriptors.columns.length]),
        [io.composition!.input]: new ort.Tensor('float32', amounts, [ok.length, elements.length]),
      };
      const session = await ort.InferenceSession.create(bundle.members.get(MEMBERS.model)!);
      return {
        feeds,
        outputs: await session.run(feeds, session.outputNames),
        session,
      };
    }

    it('predicts from its vectors, in onnxruntime-node, what `crucible predict` predicts', async () => {
      const { outputs, session } = await onHelperVectors();
      await session.release();
      const [gap, metal] = bundle.manifest.tasks;
      const predicted = crucible.rows.filter((_, r) => !bad.has(r));
      expect(crucible.summary).toMatchObject({ rowsWithoutPredictions: bad.size, failureCount: bad.size });
      expectParity(
        outputs[gap.output].data as Float32Array,
        predicted.map((r) => Number(r.band_gap)),
        'band_gap',
        bundle.manifest.normalisation.targets.band_gap.std[0],
      );
      expectParity(
        outputs[metal.output].data as Float32Array,
        predicted.flatMap((r) => [Number(r.is_metal_prob_0), Number(r.is_metal_prob_1)]),
        'is_metal probabilities',
      );
    });

    it('refuses the rows Crucible refuses, naming row and column, and writes the CSV `crucible predict` writes', async () => {
      const { feeds, outputs, session } = await onHelperVectors();
      const tensors = (values: Record<string, ort.Tensor>) =>
        Object.fromEntries(Object.entries(values).map(([name, t]) => [name, { dims: t.dims, data: Array.from(t.data as Float32Array) }]));
      /** A session's replay: its outputs and its one call on the helper's vectors. */
      const replayOf = (s: ort.InferenceSession, out: ort.InferenceSession.OnnxValueMapType) => ({
        outputs: s.outputMetadata.map((m) => ({ name: m.name, shape: m.isTensor ? m.shape : [] })),
        calls: [{ feeds: tensors(feeds), outputs: tensors(out as Record<string, ort.Tensor>) }],
      });
      const key = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
      // The domain graph reads what the model reads: the helper feeds it the same vectors.
      const domainModel = bundle.members.get(MEMBERS.domainModel)!;
      const domain = await ort.InferenceSession.create(domainModel);
      const replay = {
        sessions: {
          [key(bundle.members.get(MEMBERS.model)!)]: replayOf(session, outputs),
          [key(domainModel)]: replayOf(domain, await domain.run(feeds, domain.outputNames)),
        },
      };
      await Promise.all([session.release(), domain.release()]);
      const replayFile = join(scratch.dir, `replay-${tag}.json`);
      writeFileSync(replayFile, JSON.stringify(replay));
      const out = join(scratch.dir, `python-predictions-${tag}.csv`);
      const { stderr } = python([bundleFile, input, '-o', out], {
        PYTHONPATH: join(repoRoot, 'tests', 'helpers', 'replay-onnxruntime'),
        REPLAY_ONNXRUNTIME: replayFile,
      });

      expect(crucible.summary.failures.map((f) => [f.row, f.column])).toEqual([...bad.keys()].map((r) => [r + 2, 'formula']));
      for (const f of crucible.summary.failures) {
        // Crucible featurizes in TypeScript, so an element outside the table is its featurizer's message, not the encoder's.
        expect(stderr).toContain(
          f.reason.startsWith('Cannot read the formula') ? `row ${f.row}, column "formula": ${f.reason}` : `row ${f.row}, column "formula": `,
        );
      }
      expect(stderr).toContain('"Og2": element Og is not in the model\'s element table');
      expect(stderr).toContain(`${vectors.rows.length - bad.size} of ${vectors.rows.length} rows predicted`);
      expect(stderr).toContain(`${crucible.summary.rowsOutsideDomain} of ${vectors.rows.length - bad.size} rows outside the training domain`);

      const py = await readCsv(out);
      expect(py.columns).toEqual(crucible.columns);
      expect(py.columns).toEqual([
        'sample_id',
        'formula',
        'formula_canonical',
        'band_gap',
        ...extra,
        'band_gap_in_domain',
        'is_metal',
        'is_metal_prob_0',
        'is_metal_prob_1',
        'is_metal_in_domain',
        'domain_note',
      ]);
      const kept = (rows: Record<string, string | null>[]) =>
        rows.map((r) => [r.sample_id, r.formula, r.formula_canonical, r.is_metal, r.band_gap_in_domain, r.is_metal_in_domain, r.domain_note]);
      expect(kept(py.rows)).toEqual(kept(crucible.rows));
      for (const r of bad.keys()) expect(py.rows[r]).toMatchObject({ band_gap: null, is_metal: null, is_metal_prob_0: null, is_metal_prob_1: null });
      const numbers = (rows: Record<string, string | null>[], column: string) => rows.filter((_, r) => !bad.has(r)).map((row) => Number(row[column]));
      expectParity(numbers(py.rows, 'band_gap'), numbers(crucible.rows, 'band_gap'), 'band_gap', bundle.manifest.normalisation.targets.band_gap.std[0]);
      for (const p of ['is_metal_prob_0', 'is_metal_prob_1']) expectParity(numbers(py.rows, p), numbers(crucible.rows, p), p);
      for (const e of extra) expectParity(numbers(py.rows, e), numbers(crucible.rows, e), e, bundle.manifest.normalisation.targets.band_gap.std[0]);
    });
  });
});
