import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isCrucibleError } from '../../../../src-main/engine/errors';
import { initProject, openProject } from '../../../../src-main/engine/project';
import { MIGRATIONS, ProjectFileV1Schema, upgradeProjectFile, type MigrationStep } from '../../../../src-main/engine/project/migrations';
import { CURRENT_FORMAT_VERSION, ProjectFileSchema } from '../../../../src-main/engine/project/schema';
import { DEFAULT_TRAIN_SETTINGS } from '../../../../src-main/engine/project/train-settings';
import { dosTask } from '../../../helpers/api';
import { scratchDir } from '../../../helpers/paths';

const v2 = { formatVersion: 2, name: 'p', createdAt: '2024-01-02T03:04:05.000Z', tables: [], tasks: [], defaults: {} };

/** A project.json as Crucible 0.1 (format version 1) wrote it: an imported table, two tasks, the Train page's last settings. */
const v1 = {
  formatVersion: 1,
  name: 'Phonons',
  createdAt: '2025-03-01T10:00:00.000Z',
  tables: [
    {
      name: 'phonons',
      role: 'samples',
      format: 'csv',
      sourceFile: 'mp_phonon_dos.csv',
      sourceSha256: 'b'.repeat(64),
      rowCount: 1602,
      importedAt: '2025-03-01T10:01:00.000Z',
      formulaColumn: 'formula',
      idColumn: 'material_id',
      curves: [{ y: 'dos', x: 'frequency_grid' }],
      longFormat: null,
    },
  ],
  tasks: [
    dosTask(),
    dosTask({ name: 'volume', type: 'regression', subtype: 'regression', data_column: 'volume_per_atom', steps_column: null, enabled: false }),
  ],
  // Written by an older Train page: a field that no longer exists, one out of range, the rest valid.
  defaults: { training: { ...DEFAULT_TRAIN_SETTINGS, name: 'quick', maxEpochs: 0, dropout: 0.1 }, window: { width: 800 } },
};

function thrown(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (isCrucibleError(e)) return e;
    throw e;
  }
  throw new Error('expected a CrucibleError');
}

describe('project file migrations', () => {
  it('accepts a current document unchanged and has one step per older version', () => {
    expect(upgradeProjectFile(v2, 'project.json')).toEqual(v2);
    expect(MIGRATIONS.map((s) => s.from)).toEqual(Array.from({ length: CURRENT_FORMAT_VERSION - 1 }, (_, i) => i + 1));
  });

  it('upgrades a version-1 document: tasks typed as they were, training settings completed, unread defaults dropped', () => {
    const up = upgradeProjectFile(structuredClone(v1), 'project.json');
    expect(up.formatVersion).toBe(2);
    expect(up.tables).toEqual(v1.tables);
    expect(up.tasks).toEqual(v1.tasks);
    expect(up.defaults).toEqual({ training: { ...DEFAULT_TRAIN_SETTINGS, name: 'quick' } });
    expect(upgradeProjectFile({ ...v1, defaults: {} }, 'project.json').defaults).toEqual({});
  });

  it('names a version-1 task that is not valid instead of dropping it', () => {
    const broken = { ...v1, tasks: [v1.tasks[0], { ...v1.tasks[1], task_masking_ratio: 0 }] };
    const e = thrown(() => upgradeProjectFile(broken, '/x/project.json'));
    expect(e.code).toBe('invalid-project');
    expect(e.message).toMatch(/^Task 2 in \/x\/project.json is not valid: task_masking_ratio: Above 0/);
    expect(e.hint).toContain('text editor');
  });

  it('opens a version-1 project folder and writes version 2 only when the project changes', async () => {
    const scratch = scratchDir();
    try {
      const dir = join(scratch.dir, 'old');
      await initProject(dir);
      const file = join(dir, 'project.json');
      writeFileSync(file, JSON.stringify({ ...v1, tables: [] }, null, 2));
      const before = readFileSync(file, 'utf8');
      const project = await openProject(dir);
      expect(project.description.formatVersion).toBe(2);
      expect(project.description.tasks.map((t) => t.name)).toEqual(['phonon_dos', 'volume']);
      expect(readFileSync(file, 'utf8')).toBe(before);
      await project.update((doc) => ({ ...doc, name: 'Renamed' }));
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ formatVersion: 2, name: 'Renamed', tasks: v1.tasks });
      expect(ProjectFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8'))).success).toBe(true);
    } finally {
      scratch.cleanup();
    }
  });

  it('runs the steps in order, validating before and after each', () => {
    // A fake version 3 that adds a field, and a fake step from version 2.
    const V3 = z.looseObject({ formatVersion: z.literal(3), name: z.string(), owner: z.string() });
    const steps: MigrationStep[] = [
      ...MIGRATIONS,
      { from: 2, accepts: ProjectFileSchema, upgrade: (d) => ({ ...(d as object), formatVersion: 3, owner: 'me' }) },
    ];
    expect(upgradeProjectFile({ ...v2 }, 'project.json', steps, { version: 3, schema: V3 })).toEqual({ ...v2, formatVersion: 3, owner: 'me' });
    expect(upgradeProjectFile(structuredClone(v1), 'project.json', steps, { version: 3, schema: V3 })).toMatchObject({ formatVersion: 3, owner: 'me' });

    const invalidBefore = thrown(() => upgradeProjectFile({ ...v2, name: 5 }, 'project.json', steps, { version: 3, schema: V3 }));
    expect(invalidBefore.code).toBe('invalid-project');
    expect(invalidBefore.message).toMatch(/format version 2.*name/);
    expect(thrown(() => upgradeProjectFile({ ...v1, name: 5 }, 'project.json')).message).toMatch(/format version 1.*name/);
    expect(ProjectFileV1Schema.safeParse(v1).success).toBe(true);

    const badStep: MigrationStep[] = [...MIGRATIONS, { from: 2, accepts: ProjectFileSchema, upgrade: (d) => ({ ...(d as object), formatVersion: 3 }) }];
    const invalidAfter = thrown(() => upgradeProjectFile({ ...v2 }, 'project.json', badStep, { version: 3, schema: V3 }));
    expect(invalidAfter.message).toMatch(/format version 3.*owner/);
  });

  it('refuses newer versions naming both versions', () => {
    const e = thrown(() => upgradeProjectFile({ ...v2, formatVersion: 7 }, '/x/project.json'));
    expect(e.code).toBe('unsupported-version');
    expect(e.message).toContain('format version 7');
    expect(e.message).toContain(`up to ${CURRENT_FORMAT_VERSION}`);
  });

  it('refuses documents without a usable formatVersion', () => {
    for (const doc of [{}, { formatVersion: '1' }, { formatVersion: 0 }, { formatVersion: 1.5 }, [], null]) {
      expect(thrown(() => upgradeProjectFile(doc, 'project.json')).code).toBe('invalid-project');
    }
  });
});
