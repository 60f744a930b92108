/** What the contract lets through of ensembles: the Train page's new settings and the member a progress event is of. */
import { describe, expect, it } from 'vitest';
import { events, requests } from '../../../src-main/api/contract';
import { DEFAULT_TRAIN_SETTINGS } from '../../../src-main/engine/project/train-settings';

describe('contract: ensembles', () => {
  it('keeps the ensemble settings and fills them in for a client that does not send them', () => {
    const args = requests['training:start'].args;
    expect(args.parse({ settings: { ...DEFAULT_TRAIN_SETTINGS, ensembleSize: 3, intervalCoverage: 0.8 } }).settings).toMatchObject({
      ensembleSize: 3,
      intervalCoverage: 0.8,
    });
    const { ensembleSize: _size, intervalCoverage: _coverage, ...older } = DEFAULT_TRAIN_SETTINGS;
    expect(args.parse({ settings: older }).settings).toEqual(DEFAULT_TRAIN_SETTINGS);
    expect(requests['training:settings'].result.parse(DEFAULT_TRAIN_SETTINGS)).toEqual(DEFAULT_TRAIN_SETTINGS);
  });

  it('passes the member of a progress event through', () => {
    const progress = { type: 'batch', epoch: 0, epochs: 3, batch: 1, batches: 4, samplesPerSecond: 100, etaSeconds: null, member: { index: 2, of: 3 } };
    expect(events['training:progress'].parse({ runId: 'r', progress }).progress.member).toEqual({ index: 2, of: 3 });
    const { member: _member, ...single } = progress;
    expect(events['training:progress'].parse({ runId: 'r', progress: single }).progress).not.toHaveProperty('member');
  });
});
