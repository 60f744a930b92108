/** What `crucible train` and the app's training job run: one model, or an ensemble of them when the config asks for one. */
import type { JobContext } from '../jobs/job';
import { runTraining, type RunSummary, type RunTrainingInput, type TrainingEvent } from '../train/run-training';
import { trainEnsemble } from './ensemble/train-ensemble';

export function trainJob(input: RunTrainingInput, ctx: JobContext<TrainingEvent>): Promise<RunSummary> {
  return input.config.ensemble ? trainEnsemble(input, ctx) : runTraining(input, ctx);
}
