import { describe, expect, it } from 'vitest';
import { findBrowser, type BrowserEnv } from '../browser';

const machine = (platform: NodeJS.Platform, files: string[], env: Record<string, string> = {}, playwrightChromium: string | null = null): BrowserEnv => ({
	platform,
	env,
	exists: (p) => files.includes(p),
	playwrightChromium
});

describe('the e2e browser finder', () => {
	it('prefers CHROMIUM_PATH, and refuses one that points nowhere rather than falling through', () => {
		expect(findBrowser(machine('linux', ['/usr/bin/chromium', '/opt/x'], { CHROMIUM_PATH: '/opt/x' }))).toEqual({
			path: '/opt/x',
			source: 'CHROMIUM_PATH'
		});
		const r = findBrowser(machine('linux', ['/usr/bin/chromium'], { CHROMIUM_PATH: '/nowhere' }));
		expect(r).toEqual({ error: 'CHROMIUM_PATH is set to /nowhere, but there is no file there.' });
	});

	it("finds Debian's chromium, Ubuntu's chromium-browser or Google Chrome on Linux, in that order", () => {
		expect(findBrowser(machine('linux', ['/usr/bin/google-chrome', '/usr/bin/chromium']))).toMatchObject({ path: '/usr/bin/chromium' });
		expect(findBrowser(machine('linux', ['/usr/bin/google-chrome', '/usr/bin/chromium-browser']))).toMatchObject({ path: '/usr/bin/chromium-browser' });
		expect(findBrowser(machine('linux', ['/usr/bin/google-chrome-stable']))).toMatchObject({ source: 'Google Chrome' });
	});

	it('finds Chrome on macOS and Windows, and Edge where Chrome is missing', () => {
		expect(findBrowser(machine('darwin', ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome']))).toMatchObject({ source: 'Google Chrome' });
		const win = { PROGRAMFILES: 'C:\\Program Files', LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' };
		const userChrome = findBrowser(machine('win32', [], win));
		expect('error' in userChrome).toBe(true);
		const edge = findBrowser({
			...machine('win32', [], win),
			exists: (p) => p.endsWith('msedge.exe') && p.startsWith('C:\\Program Files')
		});
		expect(edge).toMatchObject({ source: 'Microsoft Edge' });
	});

	it("falls back to Playwright's own Chromium when it was installed", () => {
		expect(
			findBrowser(machine('linux', ['/home/u/.cache/ms-playwright/chromium/chrome'], {}, '/home/u/.cache/ms-playwright/chromium/chrome'))
		).toMatchObject({
			source: "Playwright's own Chromium"
		});
	});

	it('with nothing installed, gives one message that says how to get a browser and that unit tests need none', () => {
		const r = findBrowser(machine('linux', [], {}, '/home/u/.cache/ms-playwright/none'));
		expect('error' in r && r.error).toMatch(/^No Chromium or Chrome found/);
		expect('error' in r && r.error).toMatch(/sudo apt install chromium/);
		expect('error' in r && r.error).toMatch(/CHROMIUM_PATH/);
		expect('error' in r && r.error).toMatch(/npm run test:unit/);
		const mac = findBrowser(machine('darwin', []));
		expect('error' in mac && mac.error).toMatch(/Install Google Chrome/);
	});
});
