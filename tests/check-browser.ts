/**
 * `npm run test:e2e` runs this first: with no browser on the machine it stops before
 * the build, with the one message of tests/browser.ts, instead of after a minute's work.
 */
import { existsSync } from 'node:fs';
import { bundledChromium, findBrowser } from './browser';

const browser = findBrowser({ platform: process.platform, env: process.env, exists: existsSync, playwrightChromium: bundledChromium() });
if ('error' in browser) {
	process.stderr.write(`\n${browser.error}\n\n`);
	process.exit(1);
}
process.stdout.write(`End-to-end tests will drive ${browser.source}: ${browser.path}\n`);
