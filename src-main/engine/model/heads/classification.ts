/**
 * Classification head: the regression head's MLP ending in one logit per class (binary tasks use
 * two classes); the softmax lives in the loss and in the exported graph.
 */
import { defineHead } from './head';
import { regressionHead } from './regression';

export const classificationHead = defineHead({
  ...regressionHead,
  id: 'classification',
  kind: 'classification',
  label: 'Classification (MLP, softmax)',
});
