/** Checks that a bundle's model.onnx loads in onnxruntime and has the inputs and outputs its manifest names. */
import * as ort from 'onnxruntime-node';
import { CrucibleError } from '../../errors';
import type { BundleManifest } from './manifest';
import { MEMBERS } from './members';

/** The graph inputs a model described by `manifest` reads. */
export function manifestInputs(manifest: BundleManifest): string[] {
  const { input } = manifest;
  return [
    input.descriptors.input,
    ...(input.composition ? [input.composition.input] : []),
    ...(input.structure ? [input.structure.input, input.structure.has] : []),
    ...(input.elements ? [input.elements.tokens, input.elements.fractions] : []),
    ...manifest.tasks.flatMap((t) => (t.steps ? [t.steps.input] : [])),
  ];
}

export async function checkModelAgainstManifest(onnx: Uint8Array, manifest: BundleManifest, source: string): Promise<void> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(onnx, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
  } catch (e) {
    throw new CrucibleError('bad-input', `${source}: ${MEMBERS.model} does not load in onnxruntime (${(e as Error).message.split('\n')[0]}).`, {
      hint: 'Export the bundle again from its training run.',
    });
  }
  try {
    const inputs = manifestInputs(manifest);
    const outputs = manifest.tasks.map((t) => t.output);
    const missing = [...inputs.filter((n) => !session.inputNames.includes(n)), ...outputs.filter((n) => !session.outputNames.includes(n))];
    const extra = session.inputNames.filter((n) => !inputs.includes(n));
    if (missing.length > 0 || extra.length > 0) {
      throw new CrucibleError(
        'bad-input',
        `${source}: ${MEMBERS.model} does not fit ${MEMBERS.manifest} (${[...missing.map((n) => `"${n}" missing`), ...extra.map((n) => `unexpected input "${n}"`)].join(', ')}).`,
        {
          hint: 'Export the bundle again from its training run.',
        },
      );
    }
  } finally {
    await session.release();
  }
}
