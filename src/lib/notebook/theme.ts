/**
 * The reader's colour theme: follow the system (the default), or pin light or
 * dark. The choice lives in localStorage under THEME_KEY and shows as
 * data-theme on <html>; src/app.html repeats these few lines inline so a stored
 * choice applies before first paint (keep the two in step).
 */
export type ThemeChoice = 'system' | 'light' | 'dark';

export const THEME_KEY = 'bitwise-theme';
export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

export function readTheme(): ThemeChoice {
	try {
		const stored = localStorage.getItem(THEME_KEY);
		return stored === 'light' || stored === 'dark' ? stored : 'system';
	} catch {
		return 'system'; // storage blocked (privacy settings): follow the system
	}
}

export function applyTheme(choice: ThemeChoice): void {
	const root = document.documentElement;
	if (choice === 'system') root.removeAttribute('data-theme');
	else root.setAttribute('data-theme', choice);
	try {
		if (choice === 'system') localStorage.removeItem(THEME_KEY);
		else localStorage.setItem(THEME_KEY, choice);
	} catch {
		// Not stored; the choice still holds for this page.
	}
}
