/**
 * `npm run soak [-- --minutes 10] [-- --port 4399]`: a long run as a student who leaves
 * a tab open would make it. Serves the built site, opens the playground training on
 * the digits in Chromium, and reports the page's JavaScript heap (after a forced
 * garbage collection) at the start and end, the main thread's long tasks (>= 50 ms)
 * over the whole run, and how many training workers are alive after a hundred control
 * changes in two seconds. Needs `npm run build` first. Figures go in docs/benchmarks.md.
 */
import { chromium, type Page } from '@playwright/test';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, port: { type: 'string', default: '4399' } } });
const minutes = Number(values.minutes);
const port = Number(values.port);
if (!(minutes > 0) || !Number.isInteger(port)) {
	process.stderr.write('usage: npm run soak -- [--minutes M] [--port P]\n');
	process.exit(2);
}
if (!existsSync('build/index.html')) {
	process.stderr.write('soak: no build/ here; run `npm run build` first\n');
	process.exit(2);
}

const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], { stdio: 'ignore' });
const base = `http://localhost:${port}`;
for (let i = 0; ; i++) {
	try {
		if ((await fetch(base)).ok) break;
	} catch {
		if (i > 100) throw new Error('the preview server did not start');
	}
	await new Promise((r) => setTimeout(r, 200));
}

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--enable-precise-memory-info']
});
try {
	const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
	await page.addInitScript(() => {
		const w = window as unknown as { longTasks: number[] };
		w.longTasks = [];
		new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({ type: 'longtask', buffered: true });
	});
	const cdp = await page.context().newCDPSession(page);
	const heapMB = async (): Promise<number> => {
		await cdp.send('HeapProfiler.collectGarbage');
		const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
		return usedSize / 1e6;
	};
	const steps = async (p: Page): Promise<number> => Number((await p.getByTestId('step').textContent())?.replace(/[^0-9]/g, '') || 0);

	await page.goto(`${base}/playground?data=mnist&hidden=256,256&weights=bbb&inputs=fss&batch=64`);
	await page.getByTestId('step').scrollIntoViewIfNeeded();
	while ((await steps(page)) < 50) await page.waitForTimeout(500);
	// Warmed up: charts built, digits decoded. The baseline is taken here.
	await page.waitForTimeout(30_000);
	const start = await heapMB();
	const startSteps = await steps(page);
	// Long tasks of the soak itself, not of opening the page.
	await page.evaluate(() => ((window as unknown as { longTasks: number[] }).longTasks.length = 0));
	const samples: string[] = [];
	const end = Date.now() + minutes * 60_000;
	while (Date.now() < end) {
		await page.waitForTimeout(Math.min(60_000, end - Date.now()));
		samples.push(`${(await heapMB()).toFixed(1)} MB at step ${await steps(page)}`);
		process.stdout.write(`  ${samples.at(-1)}\n`);
	}
	const last = await heapMB();
	const trained = (await steps(page)) - startSteps;
	const longTasks = (await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks)) as number[];

	// A hundred changes of the learning rate in two seconds, then count the workers.
	const lr = page.getByLabel('Learning rate');
	const t0 = Date.now();
	for (let i = 0; i < 100; i++) {
		await lr.fill((-4 + i * 0.04).toFixed(2));
		await page.waitForTimeout(Math.max(0, t0 + (i + 1) * 20 - Date.now()));
	}
	await page.waitForTimeout(5_000);
	const workers = page.workers().length;

	const result = {
		minutes,
		steps: trained,
		heapStartMB: +start.toFixed(1),
		heapEndMB: +last.toFixed(1),
		heapGrowthPercent: +((100 * (last - start)) / start).toFixed(1),
		longTasks: longTasks.length,
		longestTaskMs: longTasks.length ? Math.round(Math.max(...longTasks)) : 0,
		workersAfter100Changes: workers
	};
	process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
	await browser.close();
	server.kill();
}
