/** Validation failures as one readable line, for error messages at every boundary. */
import type { z } from 'zod';

/** zod issues as one line: `tables.0.rowCount: expected number; name: …` (first five). */
export function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`);
  const more = error.issues.length - shown.length;
  return shown.join('; ') + (more > 0 ? `; and ${more} more` : '');
}
