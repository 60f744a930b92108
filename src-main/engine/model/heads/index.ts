/** Every head type, by id. Adding a head = one file + one line here. */
import type { HeadType } from './head';
import { classificationHead } from './classification';
import { hybridHead } from './hybrid';
import { kernelRegressionHead } from './kernel-regression';
import { regressionHead } from './regression';
import { rnnHead } from './rnn';
import { tcnHead } from './tcn';
import { transformerHead } from './transformer';
import { vecHead } from './vec';

export const headTypes: Record<string, HeadType<Record<string, unknown>>> = Object.fromEntries(
  [regressionHead, classificationHead, vecHead, rnnHead, transformerHead, tcnHead, hybridHead, kernelRegressionHead].map((h) => [h.id, h]),
);

export function headType(id: string): HeadType<Record<string, unknown>> | undefined {
  return Object.hasOwn(headTypes, id) ? headTypes[id] : undefined;
}
