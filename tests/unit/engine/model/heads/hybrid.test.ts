import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../../src-main/engine/model/backend';
import { headType } from '../../../../../src-main/engine/model/heads/index';
import { sequenceHeadContract } from './sequence-fixtures';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('hybrid head', () => {
  sequenceHeadContract('hybrid', {}, 'dos');

  it('has the tcn options plus the attention ones, one transformer layer by default', () => {
    const options = headType('hybrid')!.options.parse({});
    expect(options).toMatchObject({ ...headType('tcn')!.options.parse({}), nhead: 4, num_layers: 1 });
    expect(() => headType('hybrid')!.options.parse({ hidden: 30 })).toThrow(/multiple of nhead/);
  });
});
