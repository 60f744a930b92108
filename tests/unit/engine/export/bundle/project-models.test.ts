/** A project's models: import under a name, refuse a second import of the same name, list (also broken files), delete. */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteModel, exportBundle, importModel, listModels, modelFile } from '../../../../../src-main/engine/export/bundle/index';
import { openProject, type Project } from '../../../../../src-main/engine/project/index';
import { makeProject } from '../../../../helpers/projects';
import { scratchDir } from '../../../../helpers/paths';
import { GAP_RUN, trainRun } from './trained-runs';

describe('project models', () => {
  const scratch = scratchDir('crucible-models-');
  let bundle: string;
  let project: Project;

  beforeAll(async () => {
    const run = await trainRun(GAP_RUN, join(scratch.dir, 'run'));
    bundle = (await exportBundle(run, join(scratch.dir, 'Band gap (v2).crucible'))).file;
    project = await openProject(await makeProject(scratch.dir, 'project'));
  }, 60_000);
  afterAll(() => scratch.cleanup());

  it('imports a bundle under its file name, byte for byte, and refuses the same name twice', async () => {
    const entry = await importModel(project, bundle);
    expect(entry.id).toBe('Band_gap_v2');
    expect(entry.file).toBe(join(project.modelsDir, 'Band_gap_v2.crucible'));
    expect(entry.manifest?.name).toBe('gap');
    await expect(importModel(project, bundle)).rejects.toThrow(/already has a model "Band_gap_v2"/);
    const again = await importModel(project, bundle, { id: 'gap', replace: true });
    expect(again.id).toBe('gap');
    expect(readdirSync(project.modelsDir).sort()).toEqual(['Band_gap_v2.crucible', 'gap.crucible']);
    await expect(importModel(project, bundle, { id: '../gap' })).rejects.toThrow(/"\.\.\/gap" cannot name a model/);
    await expect(importModel(project, join(scratch.dir, 'missing.crucible'))).rejects.toThrow(/There is no model bundle at .*missing\.crucible/);
  });

  it('lists models with their manifests, and files it cannot read with the reason', async () => {
    writeFileSync(join(project.modelsDir, 'broken.crucible'), 'not a zip');
    const models = await listModels(project);
    expect(models.map((m) => m.id)).toEqual(['Band_gap_v2', 'broken', 'gap']);
    expect(models[2].manifest?.tasks.map((t) => t.name)).toEqual(['band_gap', 'is_metal']);
    expect(models[1].manifest).toBeUndefined();
    expect(models[1].problem).toMatch(/broken\.crucible: it is not a readable zip archive/);
  });

  it('deletes a model, and suggests the nearest name for an unknown one', async () => {
    await deleteModel(project, 'broken');
    expect((await listModels(project)).map((m) => m.id)).toEqual(['Band_gap_v2', 'gap']);
    await expect(deleteModel(project, 'gapp')).rejects.toThrow(/has no model "gapp"/);
    await expect(modelFile(project, 'gapp')).rejects.toMatchObject({ hint: 'Did you mean "gap"?' });
  });
});
