/**
 * Benchmark runner: `npm run bench -- <suite>`. Each suite prints its figures as it goes; the
 * runner prints the suite's result object as one JSON line, always the last line of output.
 */
import { suites } from './suites/index';

const name = process.argv[2];
if (!name || !Object.hasOwn(suites, name)) {
  process.stderr.write(`usage: npm run bench -- <suite>\nsuites: ${Object.keys(suites).join(', ')}\n`);
  process.exit(2);
}
const result = await suites[name](process.argv.slice(3));
process.stdout.write(`${JSON.stringify(result)}\n`);
