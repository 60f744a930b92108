/**
 * Vector head (seed `vec`): an MLP from the deposit output to a fixed-length vector of the task's width,
 * the regression head's network on a sequence task. It ignores the steps: every row shares one grid.
 */
import { defineHead } from './head';
import { regressionHead } from './regression';

export const vecHead = defineHead({
  ...regressionHead,
  id: 'vec',
  kind: 'sequence',
  label: 'Fixed-grid curve (MLP to a vector)',
});
