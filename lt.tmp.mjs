import { chromium } from '@playwright/test';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
await page.addInitScript(() => {
	window.__long = [];
	new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__long.push([Math.round(e.startTime), Math.round(e.duration), Math.round(scrollY)]); }).observe({ type: 'longtask', buffered: true });
	window.__marks = [];
});
await page.goto('http://localhost:4391/multibase');
await page.waitForLoadState('networkidle');
await page.waitForTimeout(500);
await page.evaluate(() => (window.__long.length = 0));
const height = await page.evaluate(() => document.documentElement.scrollHeight);
for (let y = 0; y < height; y += 500) {
	await page.evaluate((y) => { window.scrollTo(0, y); window.__marks.push([Math.round(performance.now()), y]); }, y);
	await page.waitForTimeout(400);
}
console.log(JSON.stringify(await page.evaluate(() => window.__long)));
console.log(JSON.stringify(await page.evaluate(() => window.__marks)));
const figs = await page.evaluate(() => [...document.querySelectorAll('figure')].map((f) => [f.id, Math.round(f.getBoundingClientRect().top + scrollY)]));
console.log(JSON.stringify(figs));
await browser.close();
