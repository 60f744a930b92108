import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isCrucibleError } from '../../../../src-main/engine/errors';
import { MIGRATIONS, upgradeProjectFile, type MigrationStep } from '../../../../src-main/engine/project/migrations';
import { CURRENT_FORMAT_VERSION, ProjectFileSchema } from '../../../../src-main/engine/project/schema';

const v1 = { formatVersion: 1, name: 'p', createdAt: '2024-01-02T03:04:05.000Z', tables: [], tasks: [], defaults: {} };

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
    expect(upgradeProjectFile(v1, 'project.json')).toEqual(v1);
    expect(MIGRATIONS.map((s) => s.from)).toEqual(Array.from({ length: CURRENT_FORMAT_VERSION - 1 }, (_, i) => i + 1));
  });

  it('runs the steps in order, validating before and after each', () => {
    // A fake version 2 that adds a field, and a fake step from version 1.
    const V2 = z.looseObject({ formatVersion: z.literal(2), name: z.string(), owner: z.string() });
    const steps: MigrationStep[] = [{ from: 1, accepts: ProjectFileSchema, upgrade: (d) => ({ ...(d as object), formatVersion: 2, owner: 'me' }) }];
    expect(upgradeProjectFile({ ...v1 }, 'project.json', steps, { version: 2, schema: V2 })).toEqual({ ...v1, formatVersion: 2, owner: 'me' });

    const invalidBefore = thrown(() => upgradeProjectFile({ ...v1, name: 5 }, 'project.json', steps, { version: 2, schema: V2 }));
    expect(invalidBefore.code).toBe('invalid-project');
    expect(invalidBefore.message).toMatch(/format version 1.*name/);

    const badStep: MigrationStep[] = [{ from: 1, accepts: ProjectFileSchema, upgrade: (d) => ({ ...(d as object), formatVersion: 2 }) }];
    const invalidAfter = thrown(() => upgradeProjectFile({ ...v1 }, 'project.json', badStep, { version: 2, schema: V2 }));
    expect(invalidAfter.message).toMatch(/format version 2.*owner/);
  });

  it('refuses newer versions naming both versions', () => {
    const e = thrown(() => upgradeProjectFile({ ...v1, formatVersion: 7 }, '/x/project.json'));
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
