/**
 * Number formatting for the controls' readouts: the notebook's one set of formatters lives in
 * $lib/format; these are the names the controls import from here.
 */
export { decimalsOf, formatSignificant, formatStep } from '../format';
