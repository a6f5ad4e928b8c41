/**
 * For tests: a Worker stand-in that runs the real Session on this thread, with the
 * worker's asynchrony (messages are cloned and delivered as separate tasks both ways).
 * `fetchBytes` answers the digits' download (default: refused, as with no network).
 */
import type { WorkerLike } from './client.svelte';
import type { FromWorker, ToWorker } from './protocol';
import { Session } from './session';

export class FakeWorker implements WorkerLike {
	onmessage: ((ev: MessageEvent) => void) | null = null;
	onerror: ((ev: ErrorEvent) => void) | null = null;
	onmessageerror: ((ev: MessageEvent) => void) | null = null;
	terminated = false;
	/** Drop pings, as a worker stuck in a loop would. */
	deaf = false;
	sent: ToWorker[] = [];
	readonly session: Session;

	constructor(fetchBytes: (url: string) => Promise<Uint8Array> = () => Promise.reject(new Error('no network in tests'))) {
		this.session = new Session({
			post: (msg: FromWorker) => {
				const copy = structuredClone(msg);
				setTimeout(() => !this.terminated && this.onmessage?.({ data: copy } as MessageEvent));
			},
			now: () => performance.now(),
			schedule: (fn) => void setTimeout(() => !this.terminated && fn(), 0),
			scheduleIn: (fn, ms) => void setTimeout(() => !this.terminated && fn(), ms),
			fetchBytes
		});
	}

	postMessage(msg: ToWorker): void {
		this.sent.push(msg);
		const copy = structuredClone(msg);
		if (this.deaf && msg.type === 'ping') return;
		setTimeout(() => !this.terminated && this.session.receive(copy));
	}

	terminate(): void {
		this.terminated = true;
	}

	/** Fire the worker's error event, as a worker that threw would. */
	fail(message: string): void {
		this.onerror?.({ message, preventDefault() {} } as ErrorEvent);
	}
}

/** Resolve when `cond()` holds (polling every 5 ms); reject after `ms`, naming `what`. */
export async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
	const t0 = Date.now();
	while (!cond()) {
		if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 5));
	}
}
