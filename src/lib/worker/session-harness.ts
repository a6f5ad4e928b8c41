/** The worker's Session in a fake world, shared by its unit tests (not a test file itself). */
import { PROTOCOL_VERSION, type FromWorker, type Snapshot } from './protocol';
import { Session, type SessionHost } from './session';

type Msg = FromWorker;
type Post = { msg: Msg; transfer: Transferable[] };

/**
 * A session with a fake world: every clock read advances 1 ms (so a 12 ms slice does
 * about a dozen units of work), scheduled slices wait in a queue the test runs, and
 * `autoFrame` acknowledges each snapshot as a page would.
 */
export function sessionHarness(opts: { autoFrame?: boolean; fetchBytes?: SessionHost['fetchBytes'] } = {}) {
	const posts: Post[] = [];
	const queue: (() => void)[] = [];
	let t = 0;
	let autoFrame = opts.autoFrame ?? true;
	const session = new Session({
		post: (msg, transfer) => posts.push({ msg, transfer }),
		now: () => ++t,
		schedule: (fn) => void queue.push(fn),
		fetchBytes: opts.fetchBytes ?? (() => Promise.reject(new Error('no network in tests')))
	});
	const send = (m: Record<string, unknown>) => session.receive({ v: PROTOCOL_VERSION, ...m });
	const h = {
		session,
		posts,
		queue,
		send,
		set autoFrame(v: boolean) {
			autoFrame = v;
		},
		/** Move the clock on by `ms` (each now() also ticks by 1). */
		advance(ms: number): void {
			t += ms;
		},
		/** Run scheduled slices (at most `max`), acknowledging snapshots when autoFrame is on. */
		run(max = 100000): number {
			let n = 0;
			while (queue.length && n < max) {
				const before = posts.length;
				queue.shift()!();
				n++;
				if (autoFrame) for (const p of posts.slice(before)) if (p.msg.type === 'snapshot') send({ type: 'frame', runId: p.msg.runId });
			}
			return n;
		},
		of<T extends Msg['type']>(type: T): Extract<Msg, { type: T }>[] {
			return posts.filter((p) => p.msg.type === type).map((p) => p.msg as Extract<Msg, { type: T }>);
		},
		snapshots(runId?: number): Snapshot[] {
			return h.of('snapshot').filter((s) => runId === undefined || s.runId === runId);
		},
		last(): Snapshot {
			const s = h.snapshots();
			return s[s.length - 1];
		}
	};
	return h;
}
