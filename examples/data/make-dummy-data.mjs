// Writes the dummy descriptor and attribute tables of the seed's "scaling law" demo (demo_scaling_law.yaml).
// Deterministic: run `node examples/data/make-dummy-data.mjs` and the committed files come out unchanged.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ROWS = 40;
const STEPS = [10, 20, 30];
const round = (x) => Math.round(x * 1e4) / 1e4;

const descriptors = ['id,comp_feat_1,comp_feat_2'];
const attributes = ['id,target_A,series_B_y,series_B_x,split'];
for (let i = 1; i <= ROWS; i++) {
  // Two features spread over [0, 1) by coprime strides: no random generator needed.
  const f1 = ((i * 37) % 100) / 100;
  const f2 = ((i * 61) % 100) / 100;
  const targetA = round(1 + 2 * f1 + 3 * f2);
  // Task B: a curve over three steps whose level follows f1 and whose slope follows f2.
  const seriesY = STEPS.map((t) => round(f1 + f2 * (t / 30)));
  const split = i % 10 < 6 ? 'train' : i % 10 < 8 ? 'val' : 'test';
  descriptors.push(`mat_${i},${f1},${f2}`);
  attributes.push(`mat_${i},${targetA},"[${seriesY.join(',')}]","[${STEPS.join(',')}]",${split}`);
}
writeFileSync(join(here, 'dummy_formula_descriptors.csv'), `${descriptors.join('\n')}\n`);
writeFileSync(join(here, 'dummy_attributes.csv'), `${attributes.join('\n')}\n`);
