import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TASKS, demoProjectDir, ensureDemoProject } from '../../../src-main/api/demo-project';
import { createRouter } from '../../../src-main/api/handlers/index';
import { Session } from '../../../src-main/api/session';
import { checkTasks, readProjectTables } from '../../../src-main/engine/project-run/index';
import { openProject } from '../../../src-main/engine/project/index';
import { scratchDir } from '../../helpers/paths';

describe('the demo project', () => {
  const scratch = scratchDir();

  beforeAll(() => {
    process.env.CRUCIBLE_CONFIG_DIR = join(scratch.dir, 'config');
  });
  afterAll(() => {
    delete process.env.CRUCIBLE_CONFIG_DIR;
    scratch.cleanup();
  });

  it('is created on first use from the shipped data, with valid tasks and quick training settings', async () => {
    const dir = await ensureDemoProject();
    expect(dir).toBe(demoProjectDir());
    const project = await openProject(dir);
    expect(project.name).toBe('Demo project');
    expect(project.tables).toMatchObject([{ name: 'materials', rowCount: 1839, formulaColumn: 'formula', curves: [{ y: 'dos', x: 'frequency_grid' }] }]);
    expect(project.description.tasks).toEqual(DEMO_TASKS);
    expect(project.description.defaults).toMatchObject({ training: { maxEpochs: 40 } });
    expect(checkTasks(DEMO_TASKS, await readProjectTables(project)).problems).toEqual([]);
    expect(existsSync(`${dir}.partial-${process.pid}`)).toBe(false);
  });

  it('is opened, not rebuilt, on later starts, and project:demo opens it over the API', async () => {
    const project = await openProject(demoProjectDir());
    await project.update((doc) => ({ ...doc, name: 'Demo project (mine)' }));
    expect(await ensureDemoProject()).toBe(demoProjectDir());
    const out = await createRouter(new Session('web')).dispatch('project:demo', {});
    expect(out).toMatchObject({ ok: true, result: { name: 'Demo project (mine)', taskCount: 3 } });
  });
});
