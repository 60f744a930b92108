/** The jobs a worker thread can run, by kind. Adding a long job = one function + one line here. */
import type { RunSummary, RunTrainingInput, TrainingEvent } from '../train/run-training';
import { trainJob } from '../studies/train-job';
import { predictBatch } from '../infer/predict';
import type { JobFunction } from './job';

export const jobs = {
  train: trainJob as JobFunction<RunTrainingInput, TrainingEvent, RunSummary>,
  predict: predictBatch,
};

export type JobKind = keyof typeof jobs;
type Parts<K extends JobKind> = (typeof jobs)[K] extends JobFunction<infer I, infer E, infer O> ? { input: I; event: E; output: O } : never;
export type JobInput<K extends JobKind> = Parts<K>['input'];
export type JobEvent<K extends JobKind> = Parts<K>['event'];
export type JobOutput<K extends JobKind> = Parts<K>['output'];
