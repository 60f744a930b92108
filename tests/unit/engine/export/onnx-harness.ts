/** Test helpers for ONNX export: the reference checker, onnxruntime runs and the parity tolerance. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { repoRoot } from '../../../helpers/paths';

export interface Feed {
  data: Float32Array;
  dims: number[];
}

/**
 * Runs `onnx.checker.check_model(full_check=True)` from Debian's python3-onnx on each model, written to `dir`.
 * A missing python3 or onnx fails the test with the command that installs it.
 */
export function expectValidOnnx(dir: string, models: Record<string, Uint8Array>): void {
  const files = Object.entries(models).map(([label, bytes]) => {
    const file = join(dir, `${label.replace(/[^A-Za-z0-9_-]/g, '_')}.onnx`);
    writeFileSync(file, bytes);
    return file;
  });
  const result = spawnSync('/usr/bin/python3', [join(repoRoot, 'tests', 'helpers', 'onnx_check.py'), ...files], { encoding: 'utf8' });
  if (result.error) throw new Error(`Cannot run /usr/bin/python3 (${result.error.message}): install python3 and python3-onnx (apt-get install python3-onnx).`);
  expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
}

/**
 * Runs the model in onnxruntime (CPU) and returns every output, after checking each output's sizes
 * against the shape the graph declares for it (symbolic and unknown dimensions match any size).
 */
export async function runOnnx(bytes: Uint8Array, feeds: Record<string, Feed>): Promise<Record<string, Feed>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const inputs = Object.fromEntries(Object.entries(feeds).map(([name, f]) => [name, new ort.Tensor('float32', f.data, f.dims)]));
    const out = await session.run(inputs);
    const results = Object.fromEntries(Object.entries(out).map(([name, t]) => [name, { data: t.data as Float32Array, dims: t.dims.map(Number) }]));
    for (const declared of onnxProto.onnx.ModelProto.decode(bytes).graph!.output!) {
      const sizes = declared.type!.tensorType!.shape!.dim!.map((d) =>
        d.dimParam || d.dimValue === undefined || d.dimValue === null ? null : Number(d.dimValue),
      );
      const actual = results[declared.name!].dims;
      expect(
        actual.map((d, i) => (sizes[i] === null ? null : d)),
        `declared shape of output ${declared.name}`,
      ).toEqual(sizes);
    }
    return results;
  } finally {
    await session.release();
  }
}

/**
 * |onnx − tf| ≤ 1e-4·|tf|, or ≤ 1e-5·`scale` near zero, element by element (and no NaN on either side).
 * Outputs in physical units are y·std + mean: pass the target std as `scale`, so "near zero" means near
 * zero in the scaled units the network computes in (float32 rounding of y is magnified by std there).
 */
export function expectParity(onnx: ArrayLike<number>, tf: ArrayLike<number>, label: string, scale = 1): void {
  expect(onnx.length, `${label}: element count`).toBe(tf.length);
  let worst = { k: -1, excess: 0 };
  for (let k = 0; k < tf.length; k++) {
    const allowed = Math.max(1e-4 * Math.abs(tf[k]), 1e-5 * scale);
    const excess = Math.abs(onnx[k] - tf[k]) / allowed;
    if (!(excess <= 1) && (worst.k < 0 || !(excess <= worst.excess))) worst = { k, excess };
  }
  expect(worst.k, worst.k < 0 ? '' : `${label}: element ${worst.k} is ${onnx[worst.k]} in ONNX but ${tf[worst.k]} in tfjs`).toBe(-1);
}
