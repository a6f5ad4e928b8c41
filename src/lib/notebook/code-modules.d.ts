// Module types for the notebook's build-time imports (see build/vite-plugin.ts).
//   import code from '$lib/engine/ste.ts?code';                  // the whole file
//   import est from '$lib/engine/ste.ts?symbol=estimator&code';  // one export, with its TSDoc
declare module '*?code' {
	const code: import('$lib/notebook/code-source').CodeSource;
	export default code;
}
declare module '*&code' {
	const code: import('$lib/notebook/code-source').CodeSource;
	export default code;
}
