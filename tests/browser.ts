/**
 * Which Chromium-family browser the end-to-end tests drive. The project never downloads
 * one: it uses what the machine has, in this order, and when there is none it says once,
 * plainly, how to get one.
 *
 *   1. CHROMIUM_PATH, when set (and then it must exist: a typo should not fall through);
 *   2. Linux: Debian's `chromium`, Ubuntu's `chromium-browser`, the snap, Google Chrome;
 *      macOS: Google Chrome, Chromium, Edge; Windows: Chrome (machine or user install), Edge;
 *   3. a browser Playwright installed itself (`npx playwright install chromium`), if any.
 *
 * Pure apart from the injected `exists`, so the unit tests can play every machine.
 */
import { chromium } from '@playwright/test';
import { win32 } from 'node:path';

export interface BrowserEnv {
	platform: NodeJS.Platform;
	env: Record<string, string | undefined>;
	exists: (path: string) => boolean;
	/** Where Playwright's own Chromium would be (may not exist); null when unknown. */
	playwrightChromium: string | null;
}

export type BrowserChoice = { path: string; source: string } | { error: string };

/** The candidate paths for a platform, most preferred first. */
export function candidates(platform: NodeJS.Platform, env: Record<string, string | undefined>): { path: string; source: string }[] {
	if (platform === 'darwin') {
		return [
			['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', 'Google Chrome'],
			['/Applications/Chromium.app/Contents/MacOS/Chromium', 'Chromium'],
			['/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge', 'Microsoft Edge']
		].map(([path, source]) => ({ path, source }));
	}
	if (platform === 'win32') {
		const roots = [env['PROGRAMFILES'], env['PROGRAMFILES(X86)'], env['LOCALAPPDATA']].filter((r): r is string => !!r);
		return [
			...roots.map((r) => ({ path: win32.join(r, 'Google', 'Chrome', 'Application', 'chrome.exe'), source: 'Google Chrome' })),
			...roots.map((r) => ({ path: win32.join(r, 'Microsoft', 'Edge', 'Application', 'msedge.exe'), source: 'Microsoft Edge' }))
		];
	}
	return [
		['/usr/bin/chromium', "Debian's chromium"],
		['/usr/bin/chromium-browser', "Ubuntu's chromium-browser"],
		['/snap/bin/chromium', 'the chromium snap'],
		['/usr/bin/google-chrome', 'Google Chrome'],
		['/usr/bin/google-chrome-stable', 'Google Chrome'],
		['/opt/google/chrome/chrome', 'Google Chrome']
	].map(([path, source]) => ({ path, source }));
}

const HOW_TO_GET_ONE: Partial<Record<NodeJS.Platform, string>> = {
	linux: 'On Debian or Ubuntu: sudo apt install chromium (or chromium-browser). Or install Google Chrome.',
	darwin: 'Install Google Chrome (https://www.google.com/chrome/) or Chromium.',
	win32: 'Install Google Chrome (https://www.google.com/chrome/); Microsoft Edge also works.'
};

/** Pick the browser, or explain in one message why there is none. */
export function findBrowser(m: BrowserEnv): BrowserChoice {
	const given = m.env['CHROMIUM_PATH'];
	if (given) {
		return m.exists(given) ? { path: given, source: 'CHROMIUM_PATH' } : { error: `CHROMIUM_PATH is set to ${given}, but there is no file there.` };
	}
	for (const c of candidates(m.platform, m.env)) if (m.exists(c.path)) return c;
	if (m.playwrightChromium && m.exists(m.playwrightChromium)) return { path: m.playwrightChromium, source: "Playwright's own Chromium" };
	const looked = candidates(m.platform, m.env)
		.map((c) => c.path)
		.join(', ');
	return {
		error:
			`No Chromium or Chrome found for the end-to-end tests (looked at ${looked || 'nothing on this platform'}). ` +
			`${HOW_TO_GET_ONE[m.platform] ?? 'Install Chromium or Google Chrome.'} ` +
			'Or point CHROMIUM_PATH at any Chromium-based browser, or run `npx playwright install chromium` once. ' +
			'The unit tests (npm run test:unit) need no browser.'
	};
}

/** Where a browser from `npx playwright install chromium` would be, or null when this Playwright knows none. */
export function bundledChromium(): string | null {
	try {
		return chromium.executablePath();
	} catch {
		return null;
	}
}
