/** The training worker runs ConvNet configs as it runs MLPs: the config is the same plain JSON. */
import { describe, expect, it } from 'vitest';
import { convnetConfig, convnetFloatTwin, type ConvNetSpec, type TrainConfig } from '$lib/engine';
import { loadMnistBytes } from '../../../scripts/load-mnist';
import { PROTOCOL_VERSION, type FromWorker } from './protocol';
import { Session } from './session';

describe('Session with ConvNets', () => {
	it('trains a binary ConvNet beside its float twin on the digits, reporting the conv layers and the packed size', async () => {
		const posts: FromWorker[] = [];
		const queue: (() => void)[] = [];
		let t = 0;
		const bytes = loadMnistBytes();
		const session = new Session({ post: (m) => posts.push(m), now: () => ++t, schedule: (fn) => void queue.push(fn), fetchBytes: async () => bytes });
		const spec: ConvNetSpec = { inputShape: [28, 28, 1], classes: 10, conv: [4, 8], hidden: [16], weights: 'binary', input: 'sign' };
		const train = (s: ConvNetSpec, lr: number): TrainConfig => ({ model: convnetConfig(s), optimizer: { type: 'adam', lr }, batchSize: 16, seed: 1 });
		const models = [
			{ id: 'binary', label: 'Binary', config: train(spec, 1e-2) },
			{ id: 'float', label: 'Float twin', config: train(convnetFloatTwin(spec), 1e-3) }
		];
		session.receive({
			v: PROTOCOL_VERSION,
			type: 'init',
			run: { runId: 1, data: { kind: 'mnist', seed: 1, url: '/data/mnist.bin', trainSize: 128, testSize: 50 }, models, options: { maxSteps: 3 } }
		});
		await new Promise((r) => setTimeout(r, 0));
		for (let n = 0; queue.length && n < 10000; n++) {
			const before = posts.length;
			queue.shift()!();
			for (const p of posts.slice(before)) if (p.type === 'snapshot') session.receive({ v: PROTOCOL_VERSION, type: 'frame', runId: 1 });
		}
		expect(posts.filter((p) => p.type === 'error')).toEqual([]);
		const ready = posts.find((p) => p.type === 'ready')!;
		if (ready.type !== 'ready') throw new Error('no ready message');
		expect(ready.models.map((m) => m.layers)).toEqual([
			['conv1', 'conv2', 'dense1', 'dense2'],
			['conv1', 'conv2', 'dense1', 'dense2']
		]);
		const [bin, flt] = ready.models.map((m) => m.memory);
		expect(bin.floatBytes).toBe(flt.floatBytes);
		expect(bin.packedBytes).toBeLessThan(flt.packedBytes / 5);
		const last = posts.filter((p) => p.type === 'snapshot').at(-1)!;
		if (last.type !== 'snapshot') throw new Error('no snapshot');
		expect(last.models.map((m) => m.step)).toEqual([3, 3]);
	});
});
