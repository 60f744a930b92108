/**
 * One task of a project as project.json keeps it: the seed's task-config keys (`name`, `type`, `subtype`,
 * `data_column`, `steps_column`, `loss_weight`, `task_masking_ratio`), the table the column comes from, and the
 * head's own options (checked by the head registry's schema) under `head_options`. Pure: the API contract uses
 * this schema for the Tasks page, so the saved shape and the wire shape are one.
 */
import { z } from 'zod';
import { TABLE_NAME_PATTERN, TABLE_NAME_RULE } from '../util/ids';
import { TASK_KINDS } from '../vocabulary';

export const TaskSpecSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'Give the task a name.')
      .max(64)
      .regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, 'Start with a letter; use letters, digits, _ . - only.'),
    table: z.string().regex(TABLE_NAME_PATTERN, TABLE_NAME_RULE),
    type: z.enum(TASK_KINDS),
    /** Head registry id (rnn, vec, kernel_regression, …). */
    subtype: z.string().min(1),
    data_column: z.string().min(1),
    /** Sequences: the list column holding each curve's x values. */
    steps_column: z.string().min(1).nullable(),
    loss_weight: z.number().min(0, 'At least 0.').max(1000),
    /** Keep-ratio of the task's labelled training rows (the data fraction), in (0, 1]. */
    task_masking_ratio: z.number().gt(0, 'Above 0.').max(1, 'At most 1.'),
    enabled: z.boolean(),
    head_options: z.record(z.string(), z.unknown()),
    /**
     * Regression and curves: the smallest value a prediction may take; absent = `auto` (0 when every training label
     * is at least 0), null = none. Enforced by the model's output transform.
     */
    lower_bound: z.union([z.number({ error: 'Enter a number.' }), z.literal('auto'), z.null()]).optional(),
    /**
     * Regression and curves: the unit of the labels as the user confirmed it (null = none). Absent = not confirmed:
     * the Tasks page then shows the unit the column name proposes (`unitFromColumn`) as "proposed", and runs carry none.
     */
    unit: z.string().trim().min(1).max(32, 'At most 32 characters.').nullable().optional(),
  })
  .strict();
export type TaskSpec = z.infer<typeof TaskSpecSchema>;
