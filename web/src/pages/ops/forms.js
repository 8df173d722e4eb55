/**
 * Small form helpers of the operator console: a labelled field, reading numbers and lists from inputs, and
 * showing an API error next to the field it names.
 */
import { ApiError, describeError } from '../../api/client.js';
import { fill, h } from '../../ui/dom.js';

/** A label and its input (and a hint, tied by aria-describedby). */
export function field(label, input, hint) {
  const parts = [h('label', { for: input.id }, label), input];
  if (hint) {
    const id = `${input.id}-hint`;
    input.setAttribute('aria-describedby', id);
    parts.push(h('p', { class: 'hint', id }, hint));
  }
  return h('div', { class: 'field' }, ...parts);
}

/** An input's number, or undefined when it is empty (NaN stays NaN: the API says what is wrong). */
export function numberOf(input) {
  const text = input.value.trim();
  return text === '' ? undefined : Number(text);
}

/** One entry per line or comma, trimmed, empty ones dropped. */
export function listOf(text) {
  return text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
}

/**
 * Shows what went wrong in `outcome`, marks the field the API named (`field`) invalid and focuses it.
 * @returns {boolean} false when it was a 401 (the page signs out)
 */
export function showProblem(outcome, form, error, { onUnauthorized, prefix = '' } = {}) {
  if (error instanceof ApiError && error.status === 401) {
    onUnauthorized?.();
    return false;
  }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const named = error instanceof ApiError && error.field ? form.querySelector(`[name="${CSS.escape(error.field)}"]`) : null;
  if (named) {
    named.setAttribute('aria-invalid', 'true');
    named.focus();
  }
  fill(outcome, h('p', { class: 'notice notice-error', role: 'alert', dataset: { code: String(error?.code ?? '') } }, `${prefix}${describeError(error)}`));
  return true;
}

/** A success note in `outcome`, scrolled into view (the form that was saved may have been far below it). */
export function showDone(outcome, text) {
  fill(outcome, h('p', { class: 'notice notice-ok', role: 'status' }, text));
  outcome.scrollIntoView?.({ block: 'nearest' });
}
