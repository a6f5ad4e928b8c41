// Apply a stored theme before first paint, so a reader who chose dark never sees a
// light flash. Same key and values as src/lib/notebook/theme.ts. A file rather than an
// inline script, so the page's Content-Security-Policy needs no exception for it.
try {
	var t = localStorage.getItem('bitwise-theme');
	if (t === 'light' || t === 'dark') document.documentElement.setAttribute('data-theme', t);
} catch {
	// Storage blocked (private mode, a locked-down browser): the system theme applies.
}
