/**
 * `npm run bench [-- --quick] [-- --json] [-- --only kernels|conv|training]`: the rivals side by side in
 * one run, interleaved, medians and ratios. Figures go in docs/benchmarks.md with the machine.
 */
import { cpus, totalmem, platform, arch } from 'node:os';
import { parseArgs } from 'node:util';
import { benchConv } from './bench/conv';
import { benchKernels } from './bench/kernels';
import { benchTraining } from './bench/training';

function machine() {
	const c = cpus();
	return {
		cpu: c[0]?.model.trim() ?? 'unknown',
		cores: c.length,
		memoryGiB: Math.round(totalmem() / 2 ** 30),
		platform: `${platform()} ${arch()}`,
		node: process.version,
		v8: process.versions.v8
	};
}

async function main(): Promise<number> {
	let args;
	try {
		args = parseArgs({
			options: { quick: { type: 'boolean' }, json: { type: 'boolean' }, only: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
			strict: true
		}).values;
	} catch (e) {
		process.stderr.write(`error: ${(e as Error).message}\nUsage: npm run bench -- [--quick] [--json] [--only kernels|conv|training]\n`);
		return 2;
	}
	if (args.help) {
		process.stdout.write(
			'Usage: npm run bench -- [--quick] [--json] [--only kernels|conv|training]\n' +
				'  --quick   fewer, shorter rounds\n  --json    one JSON object as the last line of stdout\n' +
				'  --only    run one part: kernels (dot products, GEMM), conv (one binary vs one float convolution,\n' +
				"            XNOR-Net's setting and its Figure 4 sweep) or training (examples per second vs TensorFlow.js)\n"
		);
		return 0;
	}
	if (args.only !== undefined && args.only !== 'kernels' && args.only !== 'conv' && args.only !== 'training') {
		process.stderr.write(`error: --only must be kernels, conv or training, got "${args.only}"\n`);
		return 2;
	}
	const m = machine();
	const out = args.json ? process.stderr : process.stdout;
	out.write(`machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}, node ${m.node} (V8 ${m.v8})\n\n`);
	const result: Record<string, unknown> = { machine: m, date: new Date().toISOString(), quick: !!args.quick };
	if (args.only === undefined || args.only === 'kernels') {
		out.write('kernels (medians of interleaved batches)\n');
		result.kernels = await benchKernels({ quick: args.quick, log: (s: string) => out.write(s + '\n') });
		out.write('\n');
	}
	if (args.only === undefined || args.only === 'conv') {
		out.write('convolutions: one binary against one float convolution (medians of interleaved batches)\n');
		result.conv = await benchConv({ quick: args.quick, log: (s: string) => out.write(s + '\n') });
		out.write('\n');
	}
	if (args.only === undefined || args.only === 'training') {
		out.write('training throughput, examples per second (medians of interleaved rounds)\n');
		result.training = await benchTraining({ quick: args.quick, log: (s: string) => out.write(s + '\n') });
	}
	if (args.json) process.stdout.write(JSON.stringify(result) + '\n');
	return 0;
}

main().then(
	(code) => (process.exitCode = code),
	(e) => {
		process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
		process.exitCode = 1;
	}
);
