import { describe, expect, it } from 'vitest';
import { editDistance, nearestName, suggestionHint } from '../../../../src-main/engine/util/suggest';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions, ignoring case', () => {
    expect(editDistance('shared_blok_dims', 'shared_block_dims')).toBe(1);
    expect(editDistance('Batch_Size', 'batch_size')).toBe(0);
    expect(editDistance('', 'lr')).toBe(2);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('counts a swap of two neighbouring characters as one edit', () => {
    expect(editDistance('pateince', 'patience')).toBe(1);
    expect(editDistance('rl', 'lr')).toBe(1);
  });
});

describe('nearestName', () => {
  const keys = ['shared_block_dims', 'struct_block_dims', 'task_configs', 'temperature'];

  it('picks the closest candidate within the typo budget', () => {
    expect(nearestName('shared_blok_dims', keys)).toBe('shared_block_dims');
    expect(nearestName('task_config', keys)).toBe('task_configs');
    expect(nearestName('temprature', keys)).toBe('temperature');
  });

  it('gives nothing for a name unlike every candidate', () => {
    expect(nearestName('optimizer', keys)).toBeUndefined();
    expect(nearestName('x', [])).toBeUndefined();
  });
});

describe('suggestionHint', () => {
  it('suggests the nearest name, or lists the candidates', () => {
    expect(suggestionHint('formla', ['formula', 'band_gap_eV'], 'column')).toBe('Did you mean "formula"?');
    expect(suggestionHint('zzzzzz', ['formula', 'band_gap_eV'], 'column')).toBe('Valid columns: "formula", "band_gap_eV".');
    expect(suggestionHint('a', [], 'table')).toBe('There are no tables.');
  });
});
