import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pathForId } from '../../../../src-main/engine/util/id-path';
import { ID_PATTERN, isValidId, toId } from '../../../../src-main/engine/util/ids';
import { scratchDir } from '../../../helpers/paths';

describe('the id rule', () => {
  it('accepts plain names and refuses anything that is not one path segment', () => {
    for (const ok of ['gap', 'band-gap_v2.1', 'R2', 'run-20261204T061128Z-2']) expect(isValidId(ok), ok).toBe(true);
    for (const bad of [
      '',
      '.',
      '..',
      '../../../../x',
      '..\\x',
      'a/b',
      'a\\b',
      '/etc/passwd',
      'C:x',
      '.hidden',
      '-x',
      'a b',
      'é',
      'x'.repeat(101),
      'a\u0000b',
    ]) {
      expect(isValidId(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('turns free text into a valid id', () => {
    expect(toId('Band gaps (2024)', 'run')).toBe('Band_gaps_2024');
    expect(toId('../../x', 'run')).toBe('x');
    expect(toId('...', 'run')).toBe('run');
    expect(ID_PATTERN.test(toId('é'.repeat(300) + 'a'.repeat(300), 'run'))).toBe(true);
  });
});

describe('pathForId', () => {
  const scratch = scratchDir();
  afterAll(() => scratch.cleanup());

  it('names a file directly inside its folder', () => {
    expect(pathForId(join(scratch.dir, 'models'), 'gap', 'model', { suffix: '.crucible' })).toBe(join(scratch.dir, 'models', 'gap.crucible'));
  });

  it('refuses ids that climb out, naming the kind of id', () => {
    for (const id of ['../../../../x', '..', 'a/b', '/tmp/x']) {
      expect(() => pathForId(join(scratch.dir, 'models'), id, 'model', { suffix: '.crucible' })).toThrow(/cannot name a model/);
    }
  });

  it('refuses a folder that is a link to a place outside the project', () => {
    const project = join(scratch.dir, 'P');
    const elsewhere = join(scratch.dir, 'elsewhere');
    mkdirSync(project);
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(project, 'models'));
    expect(() => pathForId(join(project, 'models'), 'gap', 'model', { suffix: '.crucible', root: project })).toThrow(/would lie outside/);
    mkdirSync(join(project, 'runs'));
    expect(pathForId(join(project, 'runs'), 'gap', 'run', { root: project })).toBe(join(project, 'runs', 'gap'));
  });
});
