/**
 * The training benchmark on its own: `npx tsx scripts/bench/training-run.ts [--quick]
 * [--rivals bitwise,tfjs-wasm,tfjs-cpu] [--json]`.
 */
import { parseArgs } from 'node:util';
import { benchTraining, type TrainingRival } from './training';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, rivals: { type: 'string' }, json: { type: 'boolean' } } });
const t0 = performance.now();
const results = await benchTraining({
	quick: values.quick,
	rivals: values.rivals ? (values.rivals.split(',') as TrainingRival[]) : undefined,
	log: (s) => process.stderr.write(s + '\n')
});
process.stderr.write(`training bench took ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
if (values.json) process.stdout.write(JSON.stringify(results) + '\n');
