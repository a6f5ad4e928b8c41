/**
 * A live figure's keyboard shortcuts, as one table: the help line prints it and the
 * figure's key handler reads it, so the two cannot disagree.
 */
export type FigureAction = 'toggle' | 'step' | 'reset' | 'present' | 'leave';

export const SHORTCUTS: readonly { keys: string; label: string; action: FigureAction }[] = [
	{ keys: 'Space', label: 'play or pause', action: 'toggle' },
	{ keys: '→', label: 'one step', action: 'step' },
	{ keys: 'R', label: 'reset', action: 'reset' },
	{ keys: 'F', label: 'present', action: 'present' },
	{ keys: 'Esc', label: 'leave', action: 'leave' }
];

/** The part of a KeyboardEvent the mapping reads. */
export interface KeyLike {
	key: string;
	altKey: boolean;
	ctrlKey: boolean;
	metaKey: boolean;
	/** Where the key was pressed (an element): a form control keeps its own keys. */
	target: EventTarget | { tagName?: string; isContentEditable?: boolean } | null;
}

/** Controls whose keys must not be taken: Space presses a button, → moves a slider, letters type. */
const OWN_KEYS = new Set(['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON', 'SUMMARY', 'A']);

/** The action a key press on a focused live figure asks for, or null (leave the key alone). */
export function figureAction(e: KeyLike): FigureAction | null {
	if (e.altKey || e.ctrlKey || e.metaKey) return null;
	if (e.key === 'Escape') return 'leave';
	const target = e.target as { tagName?: string; isContentEditable?: boolean } | null;
	const tag = target?.tagName?.toUpperCase();
	if ((tag && OWN_KEYS.has(tag)) || target?.isContentEditable) return null;
	switch (e.key) {
		case ' ':
		case 'Spacebar':
			return 'toggle';
		case 'ArrowRight':
			return 'step';
		case 'r':
		case 'R':
			return 'reset';
		case 'f':
		case 'F':
			return 'present';
		default:
			return null;
	}
}
