/** No schedule: the learning rate stays at its configured value. */
import { z } from 'zod';
import { closedForm, defineScheduler } from './scheduler';

/** @example scheduler_type: none  // or null, or the seed's None */
export const constantScheduler = defineScheduler({
  id: 'none',
  label: 'Constant learning rate',
  options: z.object({}).strict(),
  create: ({ baseLr }) => closedForm(() => baseLr),
});
