import { describe, expect, it } from 'vitest';
import { defaultTableName, parseCurveSpec, parseLongSpec } from '../../../../../src-main/engine/data/import';
import { CrucibleError } from '../../../../../src-main/engine/errors';

describe('import option specs', () => {
  it('parses curve specs, several y columns sharing one x', () => {
    expect(parseCurveSpec('dos:frequency_grid')).toEqual([{ y: 'dos', x: 'frequency_grid' }]);
    expect(parseCurveSpec(' a, b :t')).toEqual([
      { y: 'a', x: 't' },
      { y: 'b', x: 't' },
    ]);
    for (const bad of ['dos', 'dos:', ':x', 'a,,b:x', 'a:b:c']) expect(() => parseCurveSpec(bad), bad).toThrow(CrucibleError);
  });

  it('parses long specs with composite IDs and several y columns', () => {
    expect(parseLongSpec('formula,load_N,hardness_GPa')).toEqual({ id: ['formula'], x: 'load_N', y: ['hardness_GPa'] });
    expect(parseLongSpec('formula+reference_doi,temperature_K,seebeck_uV_K,ZT')).toEqual({
      id: ['formula', 'reference_doi'],
      x: 'temperature_K',
      y: ['seebeck_uV_K', 'ZT'],
    });
    for (const bad of ['formula,x', 'formula,,y', 'a+,x,y']) expect(() => parseLongSpec(bad), bad).toThrow(CrucibleError);
  });

  it('derives table names from file names', () => {
    expect(defaultTableName('/data/Band gaps (2024).csv')).toBe('band_gaps_2024');
    expect(defaultTableName('hv_comp_load_long.csv')).toBe('hv_comp_load_long');
    expect(defaultTableName('2024-results.xlsx')).toBe('t_2024_results');
    expect(defaultTableName('__.csv')).toBe('table');
  });
});
