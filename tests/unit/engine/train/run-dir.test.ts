import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRunDir } from '../../../../src-main/engine/train/run-dir';
import { isValidId } from '../../../../src-main/engine/util/ids';
import { repoRoot, scratchDir } from '../../../helpers/paths';

describe('createRunDir', () => {
  const scratch = scratchDir();
  afterAll(() => scratch.cleanup());

  it('creates a fresh folder for each run started in the same second', () => {
    const dirs = Array.from({ length: 5 }, () => createRunDir(join(scratch.dir, 'runs'), 'quick'));
    expect(new Set(dirs).size).toBe(5);
    for (const d of dirs) expect(statSync(d).isDirectory()).toBe(true);
  });

  it('names folders with valid run ids, whatever the run is called', () => {
    for (const name of ['../../escape', '   ', 'Band gaps (2024)', '.hidden']) {
      const dir = createRunDir(join(scratch.dir, 'named'), name);
      expect(dir.startsWith(join(scratch.dir, 'named'))).toBe(true);
      expect(isValidId(dir.slice(join(scratch.dir, 'named').length + 1))).toBe(true);
    }
  });

  it('never hands one folder to two processes racing for it', async () => {
    const parent = join(scratch.dir, 'race');
    const script = `import { createRunDir } from ${JSON.stringify(join(repoRoot, 'src-main/engine/train/run-dir.ts'))};
for (let i = 0; i < 20; i++) console.log(createRunDir(${JSON.stringify(parent)}, 'race'));`;
    const run = () => promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
    const [a, b] = (await Promise.all([run(), run()])).map((out) => out.stdout.trim().split('\n'));
    expect(new Set([...a, ...b]).size).toBe(40);
    expect(readdirSync(parent)).toHaveLength(40);
  });
});
