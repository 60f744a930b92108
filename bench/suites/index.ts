/** Benchmark suites by name; each resolves to the figures it reports (the runner prints them as JSON). */
import { benchImportSuite } from './import-suite';
import { benchJoinTables } from './join-tables';
import { benchJointTables } from './joint-tables';
import { benchModelQuality } from './model-quality';
import { benchPredictThroughput } from './predict-throughput';
import { benchTrainThroughput } from './train-throughput';

export type Suite = (args: string[]) => Promise<Record<string, unknown>>;

export const suites: Record<string, Suite> = {
  import: benchImportSuite,
  'train-throughput': benchTrainThroughput,
  'predict-throughput': benchPredictThroughput,
  'model-quality': benchModelQuality,
  'join-tables': benchJoinTables,
  'joint-tables': benchJointTables,
};
