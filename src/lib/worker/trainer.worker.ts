/**
 * The training worker: a thin shell that wires {@link Session} (all the logic, testable
 * in node) to the worker's message port, clock and task queue.
 */
import { fetchBytes } from './fetch-bytes';
import { Session } from './session';
import type { FromWorker, ToWorker } from './protocol';

const scope = self as unknown as {
	postMessage(message: FromWorker, transfer: Transferable[]): void;
	onmessage: ((ev: MessageEvent<ToWorker>) => void) | null;
	onmessageerror: ((ev: MessageEvent) => void) | null;
};

const session = new Session({
	post: (msg, transfer) => scope.postMessage(msg, transfer),
	now: () => performance.now(),
	// setTimeout 0 yields to the event loop, so messages (pause, frame, a new init) are read between slices.
	schedule: (fn) => void setTimeout(fn, 0),
	scheduleIn: (fn, ms) => void setTimeout(fn, ms),
	fetchBytes
});

scope.onmessage = (ev) => session.receive(ev.data);
// A message that could not be deserialised still gets an answer: the session reports it as unreadable.
scope.onmessageerror = () => session.receive(null);
