import { describe, expect, it } from 'vitest';
import { onnxIo, sanitizeName } from '../../../../../src-main/engine/export/onnx/io-names';
import type { ModelSpec, ModelTaskSpec } from '../../../../../src-main/engine/model/model';

const task = (name: string, kind: ModelTaskSpec['kind']): ModelTaskSpec => ({ name, kind, head: kind, headOptions: {}, data: { width: 1 } });

describe('ONNX input and output names', () => {
  it('makes task names valid identifiers', () => {
    expect(sanitizeName('band gap (eV)')).toBe('band_gap__eV_');
    expect(sanitizeName('2nd-order κ')).toBe('t_2nd_order__');
    expect(sanitizeName('')).toBe('task');
  });

  it('keeps every name unique, inputs first, and gives each sequence task its steps input', () => {
    const spec: ModelSpec = {
      encoder: {
        inputDim: 3,
        hiddenDims: [4],
        depositDim: 4,
        activation: 'relu',
        norm: false,
        residual: false,
        dropout: 0,
        structure: { inputDim: 2, hiddenDims: [4] },
      },
      tasks: [task('structure', 'regression'), task('dos', 'sequence'), task('dos steps', 'regression'), task('dos_steps', 'classification')],
    };
    expect(onnxIo(spec)).toEqual({
      descriptors: 'descriptors',
      structure: { values: 'structure', has: 'has_structure' },
      tasks: [
        { task: 'structure', kind: 'regression', head: 'regression', output: 'structure_2' },
        { task: 'dos', kind: 'sequence', head: 'sequence', output: 'dos', steps: 'dos_steps' },
        { task: 'dos steps', kind: 'regression', head: 'regression', output: 'dos_steps_2' },
        { task: 'dos_steps', kind: 'classification', head: 'classification', output: 'dos_steps_3' },
      ],
    });
  });
});
