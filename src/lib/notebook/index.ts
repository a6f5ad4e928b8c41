/** The notebook's parts: import from '$lib/notebook'. */
export { default as Lesson } from './Lesson.svelte';
export { default as Section } from './Section.svelte';
export { default as Figure, type FigureWidth, type TryItem } from './Figure.svelte';
// Math shadows the global Math object in a page's script; import it as Tex where that matters.
export { default as Math, default as Tex } from './Math.svelte';
export { default as CodeCell } from './CodeCell.svelte';
export { default as Cite } from './Cite.svelte';
export { default as Footnote } from './Footnote.svelte';
export { default as Slider } from './Slider.svelte';
export { default as Select } from './Select.svelte';
export { default as Toggle } from './Toggle.svelte';
export { default as NumberInput } from './NumberInput.svelte';
export { default as PlayControls } from './PlayControls.svelte';
export { default as UrlNotice } from './UrlNotice.svelte';
export { default as ThemeToggle } from './ThemeToggle.svelte';
export { inView, scrollableWhenOverflowing, type InViewOptions } from './actions';
export { defineUrlState, getUrlState, UrlState } from './url-state.svelte';
export { SPEEDS, HIDE_EXTRAS, type FieldSpec, type Speed, type Values } from './url-schema';
export type { CodeSource } from './code-source';
export { REFERENCES, type Reference, type ReferenceKey } from './references';
