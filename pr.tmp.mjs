import { chromium } from '@playwright/test';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
await page.goto('http://localhost:5199/multibase');
await page.waitForLoadState('networkidle');
await page.waitForTimeout(500);
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
for (let y = 0; y <= 1500; y += 500) { await page.evaluate((y) => window.scrollTo(0, y), y); await page.waitForTimeout(400); }
const { profile } = await cdp.send('Profiler.stop');
await browser.close();
// self time per function, total time per function (inclusive) approx via samples
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
const self = {}, incl = {};
const dts = profile.timeDeltas;
profile.samples.forEach((id, i) => {
	const dt = (dts[i + 1] ?? 0) / 1000;
	const n = byId.get(id);
	const key = (n) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
	self[key(n)] = (self[key(n)] || 0) + dt;
	const seen = new Set();
	for (let cur = id; cur !== undefined; cur = parent.get(cur)) { const k = key(byId.get(cur)); if (!seen.has(k)) { seen.add(k); incl[k] = (incl[k] || 0) + dt; } }
});
const top = (o) => Object.entries(o).filter(([k]) => !k.startsWith('(idle)') && !k.startsWith('(program)') && !k.startsWith('(root)')).sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${v.toFixed(1)}ms ${k}`).join('\n');
console.log('SELF\n' + top(self));
console.log('INCL\n' + top(incl));
