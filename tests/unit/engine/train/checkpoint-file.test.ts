import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, readCheckpoint, writeCheckpoint } from '../../../../src-main/engine/train/checkpoint-file';
import { scratchDir } from '../../../helpers/paths';

describe('checkpoint files', () => {
  const scratch = scratchDir();
  afterAll(() => scratch.cleanup());

  it('round-trips a header and float32 blobs exactly', async () => {
    const path = join(scratch.dir, 'a.ckpt');
    const blobs = { params: Float32Array.from([1.5, -2, Math.PI, 1e-30]), adam_m: new Float32Array(3).fill(0.25) };
    await writeCheckpoint(path, { header: { epoch: 7, name: 'ünïcode' }, blobs });
    const back = await readCheckpoint<{ epoch: number; name: string }>(path);
    expect(back.header).toEqual({ epoch: 7, name: 'ünïcode' });
    expect(Array.from(back.blobs.params)).toEqual(Array.from(blobs.params));
    expect(Array.from(back.blobs.adam_m)).toEqual([0.25, 0.25, 0.25]);
  });

  it('refuses files that are not checkpoints or are cut short, with the file named', async () => {
    const bytes = encodeCheckpoint({ header: {}, blobs: { params: new Float32Array(100) } });
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 8), 'x.ckpt')).toThrow(/x\.ckpt is truncated/);
    const path = join(scratch.dir, 'b.ckpt');
    writeFileSync(path, 'formula,gap\nNaCl,8.5\n');
    await expect(readCheckpoint(path)).rejects.toThrow(/b\.ckpt is not a Crucible checkpoint/);
    await expect(readCheckpoint(join(scratch.dir, 'missing.ckpt'))).rejects.toThrow(/No checkpoint/);
  });
});
