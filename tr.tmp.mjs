import { chromium } from '@playwright/test';
import { readFileSync } from 'node:fs';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
await page.goto('http://localhost:4391/multibase');
await page.waitForLoadState('networkidle');
await page.waitForTimeout(500);
await browser.startTracing(page, { path: '/tmp/trace.json', categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute'] });
for (let y = 0; y <= 1500; y += 500) { await page.evaluate((y) => window.scrollTo(0, y), y); await page.waitForTimeout(400); }
await browser.stopTracing();
await browser.close();
const ev = JSON.parse(readFileSync('/tmp/trace.json', 'utf8')).traceEvents;
const main = ev.filter((e) => e.name === 'RunTask' && e.dur > 40000);
for (const t of main) {
	const inside = ev.filter((e) => e.tid === t.tid && e.pid === t.pid && e.ts >= t.ts && e.ts + (e.dur || 0) <= t.ts + t.dur && e.dur > 2000 && e !== t);
	console.log('TASK', (t.dur / 1000).toFixed(1), 'ms');
	const agg = {};
	for (const e of inside) { const k = e.name + (e.args?.data?.functionName ? ':' + e.args.data.functionName : '') + (e.args?.data?.url ? ' ' + e.args.data.url.split('/').pop() : ''); agg[k] = (agg[k] || 0) + e.dur / 1000; }
	console.log(Object.entries(agg).sort((a, b) => b[1] - a[1]).slice(0, 14).map(([k, v]) => `${v.toFixed(1)} ${k}`).join('\n'));
}
