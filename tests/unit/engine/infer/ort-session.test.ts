/** onnxruntime sessions: the CPU provider with a thread count, 'auto' falling back from CUDA with the reason, 'cuda' refusing clearly. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFromRun, MEMBERS } from '../../../../src-main/engine/export/bundle/index';
import { createModelSession, cudaUnavailableReason } from '../../../../src-main/engine/infer/index';
import { scratchDir } from '../../../helpers/paths';
import { GAP_RUN, trainRun } from '../export/bundle/trained-runs';

describe('onnxruntime sessions', () => {
  const scratch = scratchDir('crucible-ort-');
  let onnx: Uint8Array;

  beforeAll(async () => {
    const contents = await bundleFromRun(await trainRun(GAP_RUN, join(scratch.dir, 'run')));
    onnx = contents.members.get(MEMBERS.model)!;
  }, 60_000);
  afterAll(() => scratch.cleanup());

  it('runs on the CPU with the requested thread count', async () => {
    const s = await createModelSession(onnx, { provider: 'cpu', threads: 1 });
    expect(s).toMatchObject({ provider: 'cpu', threads: 1 });
    expect(s.fallbackReason).toBeUndefined();
    // A formula model reads either its descriptors or the element amounts (the featurizer inside the graph).
    expect(s.session.inputNames).toEqual(['descriptors', 'composition']);
    await s.session.release();
    await expect(createModelSession(onnx, { provider: 'cpu', threads: 0 })).rejects.toThrow(/thread count must be a positive whole number/);
  });

  it("takes CUDA when it can, else falls back to the CPU saying why; 'cuda' alone refuses to fall back", async () => {
    const unavailable = cudaUnavailableReason();
    const auto = await createModelSession(onnx);
    await auto.session.release();
    if (unavailable === null && auto.provider === 'cuda') {
      // A machine with the CUDA provider and a GPU.
      const cuda = await createModelSession(onnx, { provider: 'cuda' });
      expect(cuda.provider).toBe('cuda');
      await cuda.session.release();
      return;
    }
    expect(auto.provider).toBe('cpu');
    expect(auto.fallbackReason).toBe(unavailable ?? expect.stringMatching(/^a CUDA session could not be created/));
    const error = await createModelSession(onnx, { provider: 'cuda' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unsupported', message: `The CUDA provider was requested, but ${auto.fallbackReason}.` });
    expect((error as { hint: string }).hint).toMatch(/npm run install:cuda.*--provider cpu/);
  });
});
