/**
 * The applicability domain end to end on real data: a model trained on expt_gap without any rubidium compound
 * records the elements and the distance threshold of its training rows (domain.json), flags its test rows in
 * predictions/test.csv, carries the check in its bundle, and `crucible predict` flags exactly the rubidium rows
 * for their element, a row of descriptors far from every training row for its distance, and agrees with the
 * run's own verdicts on the test rows; the bundle's distance graph computes the distances training computed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { standardize } from '../../../../src-main/engine/data/dataset/scaling';
import { featurizeFormulas } from '../../../../src-main/engine/data/featurize/index';
import { parseFormula } from '../../../../src-main/engine/data/formula/parse-formula';
import { atomicNumber } from '../../../../src-main/engine/data/formula/periodic-table';
import { exportBundle, MEMBERS, readBundle, type Bundle } from '../../../../src-main/engine/export/bundle/index';
import { DOMAIN_DISTANCE_OUTPUT } from '../../../../src-main/engine/export/onnx/domain-graph';
import { predictBatch, type PredictSummary } from '../../../../src-main/engine/infer/index';
import { initBackend } from '../../../../src-main/engine/model/backend';
import { readDomain, type Domain } from '../../../../src-main/engine/run-folder/domain';
import { DOMAIN_RULE } from '../../../../src-main/engine/train/domain';
import { meanNearestDistances } from '../../../../src-main/engine/train/domain';
import { dataSet, scratchDir } from '../../../helpers/paths';
import { csvRows, GAP_RUN, testPredictions, trainRun } from '../export/bundle/trained-runs';

const SOURCE = dataSet('matbench_expt_gap', 'expt_gap_multitask.csv');
const HELD_BACK = 'Rb';
const FLAGS = ['band_gap_in_domain', 'is_metal_in_domain'];

const hasHeldBack = (formula: string) => parseFormula(formula).elements.includes(atomicNumber(HELD_BACK));
/** Whether a domain note names the held-back element among the unseen ones. */
const namesHeldBack = (note: string) =>
  /^unseen elements? /.test(note) &&
  note
    .split(';')[0]
    .replace(/^unseen elements? /, '')
    .split(', ')
    .includes(HELD_BACK);

describe('the applicability domain', () => {
  const scratch = scratchDir('crucible-domain-');
  const path = (name: string) => join(scratch.dir, name);
  const ctx = { emit: () => {}, signal: new AbortController().signal };
  let run: string;
  let domain: Domain;
  let bundleFile: string;
  let bundle: Bundle;
  let test: Record<string, string>[];
  let heldBack: string[];

  beforeAll(async () => {
    const [header, ...lines] = readFileSync(SOURCE, 'utf8').trim().split('\n');
    const formulaOf = (line: string) => line.split(',')[0];
    heldBack = lines.map(formulaOf).filter(hasHeldBack);
    const training = path('without-rb.csv');
    writeFileSync(training, [header, ...lines.filter((l) => !hasHeldBack(formulaOf(l)))].join('\n') + '\n');
    run = await trainRun(GAP_RUN.replace(SOURCE, training).replace('max_epochs: 3', 'max_epochs: 2'), path('run'));
    domain = (await readDomain(run))!;
    test = testPredictions(run);
    bundleFile = (await exportBundle(run, path('gap.crucible'))).file;
    bundle = await readBundle(bundleFile);
  }, 120_000);
  afterAll(() => scratch.cleanup());

  it("records each task's training elements and the validation rows' distance threshold", () => {
    expect(heldBack.length).toBeGreaterThan(100);
    const { record } = domain;
    for (const task of ['band_gap', 'is_metal']) {
      expect(record.tasks[task].elements).not.toContain(HELD_BACK);
      expect(record.tasks[task].elements).toEqual(expect.arrayContaining(['O', 'Na', 'Cs']));
    }
    expect(record).toMatchObject({ k: 5, quantile: 0.99, features: bundle.manifest.input.descriptors.columns });
    // More labelled training rows than the cap: a seeded sample of them, the cap's size.
    expect(record.trainingRows).toBeGreaterThan(DOMAIN_RULE.maxSample);
    expect(record.sampleRows).toBe(DOMAIN_RULE.maxSample);
    expect(domain.sample).toHaveLength(record.sampleRows * record.features.length);
    expect(record.validationRows).toBeGreaterThan(100);
    expect(record.threshold).toBeGreaterThan(0);
  });

  it('flags test rows in predictions/test.csv', () => {
    expect(Object.keys(test[0])).toEqual(expect.arrayContaining([...FLAGS, 'domain_note']));
    expect(Object.keys(test[0]).at(-1)).toBe('domain_note');
    const outside = test.filter((r) => r.domain_note !== '');
    // An element of a test row may be missing from the training rows, but never the one held back from all rows.
    expect(outside.every((r) => !namesHeldBack(r.domain_note) && FLAGS.every((f) => r[f] === 'false'))).toBe(true);
    expect(test.filter((r) => r.domain_note === '').every((r) => FLAGS.every((f) => r[f] === 'true'))).toBe(true);
    // The threshold is the validation rows' 99th percentile: the test rows, drawn alike, lie mostly inside.
    expect(outside.length).toBeLessThan(test.length * 0.05);
  });

  it('carries the record and the distance graph in the bundle', () => {
    expect(bundle.manifest.domain).toEqual({ record: MEMBERS.domain, model: MEMBERS.domainModel, distance: DOMAIN_DISTANCE_OUTPUT });
    expect(JSON.parse(new TextDecoder().decode(bundle.members.get(MEMBERS.domain)))).toEqual(domain.record);
    expect(bundle.members.get(MEMBERS.domainModel)!.length).toBeGreaterThan(domain.sample.byteLength);
    expect(new TextDecoder().decode(bundle.members.get(MEMBERS.readme))).toContain('## Applicability domain');
  });

  it('computes in the bundle graph, from raw descriptors, the distances training computed', async () => {
    await initBackend('wasm');
    const formulas = test.slice(0, 64).map((r) => r.formula);
    const { columns } = bundle.manifest.input.descriptors;
    const raw = featurizeFormulas(formulas, 'magpie').values;
    const scaled = standardize(raw, bundle.manifest.normalisation.features);
    const expected = meanNearestDistances(domain.sample, scaled, columns.length, domain.record.k);
    const session = await ort.InferenceSession.create(bundle.members.get(MEMBERS.domainModel)!);
    try {
      const { input } = bundle.manifest;
      const out = await session.run({
        [input.descriptors.input]: new ort.Tensor('float32', raw, [formulas.length, columns.length]),
        [input.composition!.input]: new ort.Tensor('float32', new Float32Array(0), [0, input.composition!.elements.length]),
      });
      const got = out[DOMAIN_DISTANCE_OUTPUT].data as Float32Array;
      expect(got).toHaveLength(formulas.length);
      got.forEach((d, i) => expect(Math.abs(d - expected[i])).toBeLessThan(1e-3 * Math.max(1, expected[i])));
    } finally {
      await session.release();
    }
  });

  describe('crucible predict', () => {
    let summary: PredictSummary;
    let rows: Record<string, string>[];

    beforeAll(async () => {
      const input = path('candidates.csv');
      writeFileSync(input, ['formula', ...test.map((r) => r.formula), ...heldBack].join('\n') + '\n');
      const output = path('candidates.predictions.csv');
      summary = await predictBatch({ model: bundleFile, input, output }, ctx);
      rows = csvRows(output);
    }, 60_000);

    it('flags exactly the rows with the held-back element for it, and names it', () => {
      expect(summary.columns).toEqual([
        'formula',
        'formula_canonical',
        'band_gap',
        'band_gap_in_domain',
        'is_metal',
        'is_metal_prob_0',
        'is_metal_prob_1',
        'is_metal_in_domain',
        'domain_note',
      ]);
      const named = rows.filter((r) => namesHeldBack(r.domain_note));
      expect(named.map((r) => r.formula)).toEqual(heldBack);
      for (const r of named) for (const f of FLAGS) expect(r[f]).toBe('false');
      // Both tasks lack the element, so the note names it once for both.
      expect(named.filter((r) => r.domain_note === `unseen element ${HELD_BACK}`).length).toBeGreaterThan(heldBack.length / 2);
      expect(summary.rowsOutsideDomain).toBe(rows.filter((r) => r.domain_note !== '').length);
    });

    it('judges the test rows as the run did: in-domain rows stay unflagged', () => {
      const predicted = rows.slice(0, test.length);
      expect(predicted.map((r) => [r.formula, r.band_gap_in_domain, r.is_metal_in_domain, r.domain_note])).toEqual(
        test.map((r) => [r.formula, r.band_gap_in_domain, r.is_metal_in_domain, r.domain_note]),
      );
      expect(predicted.filter((r) => r.domain_note === '').length).toBeGreaterThan(test.length * 0.95);
    });

    it('flags a row of descriptors far from every training row, by its distance alone', async () => {
      const inside = test.filter((r) => r.domain_note === '').slice(0, 3);
      const { columns } = bundle.manifest.input.descriptors;
      const { mean, std } = bundle.manifest.normalisation.features;
      const values = featurizeFormulas(
        inside.map((r) => r.formula),
        'magpie',
      ).values;
      const far = columns.map((_, j) => mean[j] + 30 * std[j]);
      const lines = [
        ['id', ...columns].map((c) => `"${c}"`).join(','),
        ...inside.map((_, i) => [`in${i}`, ...Array.from(values.subarray(i * columns.length, (i + 1) * columns.length))].join(',')),
        ['far', ...far].join(','),
      ];
      const input = path('descriptors.csv');
      writeFileSync(input, lines.join('\n') + '\n');
      const output = path('descriptors.predictions.csv');
      const result = await predictBatch({ model: run, input, output }, ctx);
      expect(result.notes).toContain(
        'The input gives descriptors, not formulas: rows are judged by their distance to the training data only, not by their elements.',
      );
      const out = csvRows(output);
      expect(out.map((r) => [r.id, r.band_gap_in_domain, r.is_metal_in_domain, r.domain_note])).toEqual([
        ['in0', 'true', 'true', ''],
        ['in1', 'true', 'true', ''],
        ['in2', 'true', 'true', ''],
        ['far', 'false', 'false', 'far from the training data'],
      ]);
      expect(result.rowsOutsideDomain).toBe(1);
    });
  });
});
