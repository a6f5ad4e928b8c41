// A static notebook: every page is prerendered at build time.
export const prerender = true;
