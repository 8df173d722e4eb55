/** Tiny DOM helpers: build elements without innerHTML (text is always text, never markup). */

/**
 * h('button', {class: 'primary', onclick}, 'Save') → <button class="primary">Save</button>
 * Attributes: `class`, `text`, `on<event>` handlers, `dataset`, booleans (true → present, false/null → absent).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

export function $(selector, root = document) {
  const el = root.querySelector(selector);
  if (!el) throw new Error(`missing element ${selector}`);
  return el;
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

const numberFormat = new Intl.NumberFormat('en');
export const formatNumber = (n) => numberFormat.format(n);

const timeFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
export function formatTime(iso) {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? String(iso ?? '') : timeFormat.format(t);
}
