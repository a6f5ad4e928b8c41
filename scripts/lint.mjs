// `npm run lint`: prettier's check and eslint side by side (each mostly waits on its own
// parser start-up and one core), both with their caches under node_modules/.cache, so a
// second run reads only what changed. Exits non-zero if either does.
import { spawn } from 'node:child_process';

/** @param {string} cmd @param {string[]} args @returns {Promise<number>} */
const run = (cmd, args) =>
	new Promise((done) => {
		const child = spawn(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' });
		child.on('close', (code) => done(code ?? 1));
		child.on('error', () => done(1));
	});

/** @param {string} name */
const bin = (name) => `node_modules/.bin/${name}${process.platform === 'win32' ? '.cmd' : ''}`;
const codes = await Promise.all([
	run(bin('prettier'), ['--check', '--cache', '--cache-location', 'node_modules/.cache/prettier/.cache', '.']),
	run(bin('eslint'), ['--cache', '--cache-location', 'node_modules/.cache/eslint/', '.'])
]);
process.exit(codes.some((c) => c !== 0) ? 1 : 0);
