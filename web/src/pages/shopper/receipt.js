/**
 * Submitting a receipt: its signed code (pasted, scanned from the camera or read from a photo), or, for a
 * receipt without a code, its details. POST /receipts answers 201 credited, 200 a replay of a receipt already
 * credited to this user, 202 waiting for review; errors name the field or the rule.
 */
import { ApiError, describeError } from '../../api/client.js';
import { formatNumber, h, fill } from '../../ui/dom.js';
import { cameraAvailable, decodeImageFile, scanCamera } from '../../ui/qrscan.js';

/** The request body for what the shopper entered. */
export function receiptBody({ code, storeId, receiptId, amount, purchasedAt }) {
  if (code) return { code: code.trim() };
  return { receiptId: receiptId.trim(), storeId, amount: Number(amount), purchasedAt: new Date(purchasedAt).toISOString() };
}

/** What the answer means for the shopper. */
export function describeResult(status, body) {
  if (status === 202 || body?.status === 'pending_review') return { kind: 'info', text: 'Thanks! This receipt waits for a person to check it; the coins come once it is approved.' };
  if (body?.replayed) return { kind: 'info', text: 'This receipt was already credited to you: nothing more to add.' };
  const coins = body?.coinsEarned ?? body?.coins ?? 0;
  const xp = body?.xpEarned ?? body?.xp ?? 0;
  return { kind: 'ok', text: `Credited: +${formatNumber(coins)} coins and +${formatNumber(xp)} XP.${body?.leveledUp ? ' Level up!' : ''}` };
}

const RECEIPT_ERRORS = {
  signature_required: 'This store prints a code on its receipts: paste or scan the code instead of typing the details.',
  receipt_code_malformed: 'That is not a receipt code. Paste the whole code printed under the QR, or scan it again.',
  receipt_signature_invalid: 'This code does not check out: it may be mistyped or altered. Scan it from the receipt again.',
  receipt_key_unknown: 'This code was signed by a till the mall does not know. Ask the store.',
  receipt_key_revoked: 'This code was signed with a key the store has withdrawn. Ask the store for help.',
  receipt_key_wrong_store: 'This code belongs to another store. Ask the store for help.',
  receipt_already_claimed: 'Someone else has already claimed this receipt.',
};

/** What a refused receipt means for the shopper: the API's words unless a plainer sentence is known. */
export function receiptErrorText(error) {
  return (error instanceof ApiError && RECEIPT_ERRORS[error.code]) || describeError(error);
}

function localDateTimeValue(d = new Date()) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function createReceiptForm(panel, { client, onCredited, onUnauthorized }) {
  const result = h('div', { class: 'result', id: 'receipt-result', 'aria-live': 'polite' });
  const codeInput = h('textarea', { id: 'receipt-code', name: 'code', rows: 3, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'receipt-code-hint receipt-code-error' });
  const codeError = h('p', { class: 'field-error', id: 'receipt-code-error' });
  const video = h('video', { class: 'scanner', hidden: true, muted: true, playsinline: true, 'aria-label': 'Camera preview' });
  let scanning = null;

  const scanButton = h('button', { type: 'button', id: 'scan-camera', hidden: !cameraAvailable(), onclick: async () => {
    if (scanning) {
      scanning.abort();
      return;
    }
    scanning = new AbortController();
    scanButton.textContent = 'Stop scanning';
    video.hidden = false;
    try {
      const text = await scanCamera(video, scanning.signal);
      if (text) {
        codeInput.value = text;
        form.requestSubmit();
      }
    } catch (e) {
      codeError.textContent = e?.name === 'NotAllowedError' ? 'The camera is not allowed: allow it in the browser, or use a photo.' : 'No camera could be used: paste the code or use a photo.';
    } finally {
      scanning = null;
      video.hidden = true;
      scanButton.textContent = 'Scan with the camera';
    }
  } }, 'Scan with the camera');

  const photoInput = h('input', { type: 'file', id: 'receipt-photo', accept: 'image/*', capture: 'environment', class: 'visually-hidden', onchange: async () => {
    const file = photoInput.files?.[0];
    if (!file) return;
    codeError.textContent = '';
    try {
      const text = await decodeImageFile(file);
      if (!text) {
        codeError.textContent = 'No QR code found in that photo. Try again closer, or paste the code.';
        return;
      }
      codeInput.value = text;
      form.requestSubmit();
    } catch {
      codeError.textContent = 'That file could not be read as an image.';
    } finally {
      photoInput.value = '';
    }
  } });

  const stores = h('select', { id: 'receipt-store', name: 'storeId' }, h('option', { value: '' }, 'Loading stores…'));
  const receiptId = h('input', { id: 'receipt-id', name: 'receiptId', type: 'text', autocomplete: 'off', maxlength: '64' });
  const amount = h('input', { id: 'receipt-amount', name: 'amount', type: 'number', min: '0.01', step: '0.01', inputmode: 'decimal' });
  const purchasedAt = h('input', { id: 'receipt-time', name: 'purchasedAt', type: 'datetime-local', value: localDateTimeValue() });
  const detailsError = h('p', { class: 'field-error', id: 'receipt-details-error' });
  const details = h('details', { id: 'receipt-details' },
    h('summary', {}, 'No code? Enter the receipt details'),
    h('label', { for: 'receipt-store' }, 'Store'), stores,
    h('label', { for: 'receipt-id' }, 'Receipt number'), receiptId,
    h('label', { for: 'receipt-amount' }, 'Amount'), amount,
    h('label', { for: 'receipt-time' }, 'Bought at'), purchasedAt,
    detailsError);
  const submit = h('button', { type: 'submit', class: 'primary', id: 'receipt-submit' }, 'Submit receipt');

  const fields = { code: codeInput, storeId: stores, receiptId, amount, purchasedAt };

  function clearErrors() {
    codeError.textContent = '';
    detailsError.textContent = '';
    for (const el of Object.values(fields)) el.removeAttribute('aria-invalid');
  }

  async function send(body) {
    submit.disabled = true;
    fill(result, h('p', { class: 'state state-loading', role: 'status' }, 'Sending your receipt…'));
    try {
      const { status, body: answer } = await client.post('/receipts', body);
      const said = describeResult(status, answer);
      fill(result, h('p', { class: `notice notice-${said.kind}`, role: 'status', id: 'receipt-outcome' }, said.text));
      codeInput.value = '';
      receiptId.value = '';
      amount.value = '';
      onCredited(answer, status);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) onUnauthorized();
      const field = error instanceof ApiError ? error.field : null;
      const target = field && fields[field] ? fields[field] : null;
      target?.setAttribute('aria-invalid', 'true');
      if (field && field !== 'code' && target) details.open = true;
      fill(result, h('p', { class: 'notice notice-error', role: 'alert', id: 'receipt-outcome', dataset: { code: error?.code ?? '' } }, receiptErrorText(error)));
      if (error instanceof ApiError && error.status === 429 && error.retryAfter) {
        setTimeout(() => { submit.disabled = false; }, error.retryAfter * 1000);
        return;
      }
    }
    submit.disabled = false;
  }

  const form = h('form', { id: 'receipt-form', 'aria-labelledby': 'receipt-heading', novalidate: true, onsubmit: (ev) => {
    ev.preventDefault();
    clearErrors();
    const code = codeInput.value.trim();
    if (code) return send(receiptBody({ code }));
    if (!details.open) {
      codeInput.setAttribute('aria-invalid', 'true');
      codeError.textContent = 'Paste or scan the code printed on your receipt (or enter its details below).';
      codeInput.focus();
      return;
    }
    const missing = [['storeId', 'the store'], ['receiptId', 'the receipt number'], ['amount', 'the amount'], ['purchasedAt', 'when you bought it']]
      .filter(([k]) => !String(fields[k].value).trim());
    if (missing.length) {
      for (const [k] of missing) fields[k].setAttribute('aria-invalid', 'true');
      detailsError.textContent = `Fill in ${missing.map(([, w]) => w).join(', ')}.`;
      fields[missing[0][0]].focus();
      return;
    }
    return send(receiptBody({ storeId: stores.value, receiptId: receiptId.value, amount: amount.value, purchasedAt: purchasedAt.value }));
  } },
  h('h2', { id: 'receipt-heading' }, 'Submit a receipt'),
  h('label', { for: 'receipt-code' }, 'Receipt code'),
  h('p', { class: 'hint', id: 'receipt-code-hint' }, 'The code under the QR on your receipt. Paste it, scan it, or use a photo of it.'),
  codeInput, codeError,
  h('div', { class: 'scan-row' }, scanButton, photoInput, h('label', { for: 'receipt-photo', class: 'button file-label' }, 'Use a photo of the QR code')),
  video,
  details,
  submit,
  result);

  fill(panel, form);

  (async () => {
    try {
      const body = await client.get('/stores');
      fill(stores, h('option', { value: '' }, 'Choose a store'), ...(body.stores ?? []).map((s) => h('option', { value: s.storeId }, `${s.name} (${s.floor ?? ''})`)));
    } catch (error) {
      fill(stores, h('option', { value: '' }, 'Stores could not be loaded'));
      detailsError.textContent = describeError(error);
    }
  })();
}
