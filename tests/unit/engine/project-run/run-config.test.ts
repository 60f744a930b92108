/** The Train page's settings as a run config: an ensemble from two members on, project files older than ensembles, and the units the user confirmed. */
import { describe, expect, it } from 'vitest';
import { dumpResolvedConfig, resolveRunConfig } from '../../../../src-main/engine/config/index';
import { TaskSpecSchema } from '../../../../src-main/engine/project/tasks';
import { runHeaderOf } from '../../../../src-main/engine/run-folder/header';
import { ProjectDefaultsSchema, type TableMeta } from '../../../../src-main/engine/project/schema';
import { completeTrainSettings, DEFAULT_TRAIN_SETTINGS, TrainSettingsSchema, type TrainSettings } from '../../../../src-main/engine/project/train-settings';
import { buildRunConfig } from '../../../../src-main/engine/project-run/index';
import { dosTask } from '../../../helpers/api';

const table: TableMeta = {
  name: 'gaps',
  role: 'samples',
  format: 'csv',
  sourceFile: 'gaps.csv',
  sourceSha256: 'a'.repeat(64),
  rowCount: 10,
  importedAt: '2024-05-06T07:08:09.000Z',
  formulaColumn: 'formula',
  idColumn: null,
  curves: [],
  longFormat: null,
};
const gap = dosTask({ name: 'gap', table: 'gaps', type: 'regression', subtype: 'regression', data_column: 'band_gap', steps_column: null });

function resolved(settings: TrainSettings) {
  return resolveRunConfig(buildRunConfig(table, [gap], settings), { baseDir: '/tmp', projectTables: ['gaps'] });
}

describe('project run config', () => {
  it('trains one model by default and an ensemble of N with its coverage from N = 2', () => {
    expect(DEFAULT_TRAIN_SETTINGS).toMatchObject({ ensembleSize: 1, intervalCoverage: 0.9 });
    expect(buildRunConfig(table, [gap], DEFAULT_TRAIN_SETTINGS)).not.toHaveProperty('ensemble');
    expect(resolved(DEFAULT_TRAIN_SETTINGS).ensemble).toBeNull();
    const raw = buildRunConfig(table, [gap], { ...DEFAULT_TRAIN_SETTINGS, ensembleSize: 5, intervalCoverage: 0.8 });
    expect(raw.ensemble).toEqual({ size: 5, coverage: 0.8 });
    expect(resolved({ ...DEFAULT_TRAIN_SETTINGS, ensembleSize: 5, intervalCoverage: 0.8 }).ensemble).toEqual({ size: 5, coverage: 0.8 });
  });

  it('refuses sizes and coverages the engine would not train', () => {
    for (const bad of [{ ensembleSize: 0 }, { ensembleSize: 33 }, { ensembleSize: 2.5 }, { intervalCoverage: 1 }, { intervalCoverage: 0.2 }]) {
      expect(TrainSettingsSchema.safeParse({ ...DEFAULT_TRAIN_SETTINGS, ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('reads settings saved before ensembles as one model, in the project file and field by field', () => {
    const { ensembleSize: _size, intervalCoverage: _coverage, ...old } = { ...DEFAULT_TRAIN_SETTINGS, seed: 7 };
    expect(ProjectDefaultsSchema.parse({ training: old }).training).toEqual({ ...DEFAULT_TRAIN_SETTINGS, seed: 7 });
    expect(completeTrainSettings({ ...old, ensembleSize: 'many' })).toEqual({ ...DEFAULT_TRAIN_SETTINGS, seed: 7 });
  });

  it('carries a confirmed unit into the run (config, resolved task, run.json) and leaves an unconfirmed one out', () => {
    const metal = dosTask({ name: 'metal', table: 'gaps', type: 'classification', subtype: 'classification', data_column: 'is_metal', steps_column: null });
    const tasks = [
      { ...gap, unit: 'eV' },
      { ...gap, name: 'gap_none', unit: null },
      { ...gap, name: 'gap_unconfirmed' },
      { ...metal, unit: 'eV' },
    ];
    const raw = buildRunConfig(table, tasks, DEFAULT_TRAIN_SETTINGS) as { model: { init_args: { task_configs: Record<string, unknown>[] } } };
    expect(raw.model.init_args.task_configs.map((t) => t.unit)).toEqual(['eV', null, undefined, undefined]);
    const cfg = resolveRunConfig(raw, { baseDir: '/tmp', projectTables: ['gaps'] });
    expect(cfg.tasks.map((t) => t.unit)).toEqual(['eV', null, undefined, undefined]);
    expect(runHeaderOf(cfg).tasks.map((t) => t.unit)).toEqual(['eV', null, undefined, undefined]);
    // The run folder's config.yaml says it again, so a rerun from the command line keeps it.
    expect(dumpResolvedConfig(cfg)).toContain('unit: eV');
    // Project files written before units load, with the unit unconfirmed.
    const { unit: _unit, ...old } = tasks[0];
    expect(TaskSpecSchema.parse(old).unit).toBeUndefined();
    expect(TaskSpecSchema.safeParse({ ...gap, unit: 'x'.repeat(33) }).success).toBe(false);
  });
});
