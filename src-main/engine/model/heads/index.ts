/** Every head type, by id. Adding a head = one file + one line here. */
import type { HeadType } from './head';
import { classificationHead } from './classification';
import { regressionHead } from './regression';

export const headTypes: Record<string, HeadType<any>> = Object.fromEntries(
  [regressionHead, classificationHead].map((h) => [h.id, h]),
);

export function headType(id: string): HeadType<any> | undefined {
  return Object.hasOwn(headTypes, id) ? headTypes[id] : undefined;
}
