import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../../src-main/engine/util/atomic-write';
import { scratchDir } from '../../../helpers/paths';

describe('writeFileAtomic', () => {
  let scratch: ReturnType<typeof scratchDir>;
  afterEach(() => scratch.cleanup());

  it('creates and replaces a file, leaving no temporary files behind', async () => {
    scratch = scratchDir();
    const path = join(scratch.dir, 'a.json');
    await writeFileAtomic(path, 'one');
    expect(readFileSync(path, 'utf8')).toBe('one');
    writeFileSync(join(scratch.dir, 'other.txt'), 'x');
    await writeFileAtomic(path, Buffer.from('two'));
    expect(readFileSync(path, 'utf8')).toBe('two');
    expect(readdirSync(scratch.dir).sort()).toEqual(['a.json', 'other.txt']);
  });

  it('keeps the old content and cleans up when the rename fails', async () => {
    scratch = scratchDir();
    // A folder in the target's place makes the final rename fail after the temporary file was written.
    const path = join(scratch.dir, 'target');
    mkdirSync(path);
    writeFileSync(join(path, 'inside.txt'), 'old');
    await expect(writeFileAtomic(path, 'new')).rejects.toThrow();
    expect(readFileSync(join(path, 'inside.txt'), 'utf8')).toBe('old');
    expect(readdirSync(scratch.dir)).toEqual(['target']);
  });

  it('fails without creating anything when the folder does not exist', async () => {
    scratch = scratchDir();
    await expect(writeFileAtomic(join(scratch.dir, 'missing', 'a.json'), 'x')).rejects.toThrow();
    expect(existsSync(join(scratch.dir, 'missing'))).toBe(false);
  });
});
