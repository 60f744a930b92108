import { describe, expect, it } from 'vitest';
import { DEFAULT_FEATURIZER, FEATURIZER_IDS, featurizeFormulas, getFeaturizer } from '../../../../../src-main/engine/data/featurize';
import { loadElementTable } from '../../../../../src-main/engine/data/featurize/element-table';
import { CrucibleError } from '../../../../../src-main/engine/errors';

describe('featurizer registry', () => {
  it('offers magpie (default), crabnet_magpie, oliynyk and mat2vec', () => {
    expect(DEFAULT_FEATURIZER).toBe('magpie');
    expect(FEATURIZER_IDS).toEqual(['magpie', 'crabnet_magpie', 'oliynyk', 'mat2vec']);
    expect(getFeaturizer()).toBe(getFeaturizer('magpie'));
  });

  it.each([
    ['magpie', 'magpie_elementdata_matminer.csv', 63],
    ['crabnet_magpie', 'crabnet_magpie.csv', 22],
    ['oliynyk', 'crabnet_oliynyk.csv', 44],
    ['mat2vec', 'crabnet_mat2vec.csv', 200],
  ])('%s summarises %s (%i properties) with prefixed names and the table hash', (id, file, properties) => {
    const f = getFeaturizer(id);
    expect(f.id).toBe(id);
    expect(f.tableFile).toBe(file);
    expect(f.tableSha256).toBe(loadElementTable(file).sha256);
    expect(f.featureNames.length).toBe(6 + 5 * properties);
    expect(f.featureNames.every((n) => n.startsWith(`${id}:`))).toBe(true);
    expect(f.description).toContain(file);
  });

  it('says which tables needed no imputation', () => {
    expect(getFeaturizer('mat2vec').imputed).toEqual([]);
    expect(getFeaturizer('mat2vec').description).toContain('no missing values');
    expect(getFeaturizer('oliynyk').imputed.map((p) => p.property)).toEqual([
      'Miracle_Radius_[pm]', 'crystal_radius', 'MB_electonegativity', 'Mulliken_EN',
    ]);
  });

  it('refuses an unknown id, listing the known ones', () => {
    expect(() => getFeaturizer('magpy')).toThrow(CrucibleError);
    expect(() => getFeaturizer('magpy')).toThrow(/Unknown featurizer "magpy"/);
    expect(() => getFeaturizer('toString')).toThrow(/Unknown featurizer/);
  });

  it('featurizeFormulas returns a row-major matrix with failures', () => {
    const { featurizer, values, failures } = featurizeFormulas(['NaCl', 'Xx', 'KCl'], 'crabnet_magpie');
    expect(values.length).toBe(3 * featurizer.featureNames.length);
    expect(failures.map((f) => f.index)).toEqual([1]);
  });
});
