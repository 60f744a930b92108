/** Every `crucible` sub-command, in the order `crucible --help` lists them. Adding one = one file + one line. */
import type { Command } from 'commander';
import { registerBench } from './bench';
import { registerCompare } from './compare';
import { registerExport } from './export';
import { registerGroup } from './group';
import { registerImport } from './import';
import { registerInit } from './init';
import { registerMerge } from './merge';
import { registerModels } from './models';
import { registerPredict } from './predict';
import { registerReport } from './report';
import { registerServe } from './serve';
import { registerSlurm } from './slurm';
import { registerStart } from './start';
import { registerSweep } from './sweep';
import { registerTables } from './tables';
import { registerTrain } from './train';
import { registerTune } from './tune';

export const commands: Array<(program: Command) => void> = [
  registerStart,
  registerServe,
  registerInit,
  registerImport,
  registerTables,
  registerTrain,
  registerSweep,
  registerTune,
  registerCompare,
  registerGroup,
  registerReport,
  registerExport,
  registerModels,
  registerPredict,
  registerMerge,
  registerBench,
  registerSlurm,
];
