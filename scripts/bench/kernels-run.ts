/**
 * Standalone kernel benchmark: `npx tsx scripts/bench/kernels-run.ts [--quick] [--json]`.
 * `npm run bench` runs the same code beside the training benchmark.
 */
import { benchKernels } from './kernels';

const quick = process.argv.includes('--quick');
const json = process.argv.includes('--json');
const results = await benchKernels({ quick, log: (s) => process.stdout.write(s + '\n') });
if (json) process.stdout.write(JSON.stringify(results) + '\n');
