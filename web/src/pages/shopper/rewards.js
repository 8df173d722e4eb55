/**
 * Rewards the shopper can buy with coins (GET /rewards) and redeeming one (POST /redemptions).
 *
 * Exactly once from this side too: the redemptionId of an attempt is kept (sessionStorage) until the API gives a
 * final answer, so a retry after a timeout or a 5xx sends the same id and the API replays instead of charging
 * twice. A final refusal (422) or a coupon forgets it. Spending asks for a confirmation first.
 */
import { ApiError, describeError } from '../../api/client.js';
import { formatNumber, formatTime, h, fill } from '../../ui/dom.js';
import { showEmpty, showError, showLoading } from '../../ui/states.js';

const PENDING = 'mallquest.pendingRedemptions';

const REFUSALS = {
  insufficient_balance: 'You do not have enough coins for this reward yet.',
  out_of_stock: 'This reward has just run out.',
  limit_reached: 'You have redeemed this reward as often as it allows.',
  reward_unavailable: 'This reward is not on offer any more.',
  level_too_low: 'This reward needs a higher level.',
};

/** What to tell the shopper about a failed redemption. */
export function redemptionMessage(error) {
  if (error instanceof ApiError && REFUSALS[error.code]) return REFUSALS[error.code];
  if (error instanceof ApiError && error.code === 'redemption_in_progress') return 'Your redemption is still being processed. Try again in a moment: you will not be charged twice.';
  return describeError(error);
}

/** A refusal that will not change by retrying: the attempt's id can be forgotten. */
export function isFinal(error) {
  return error instanceof ApiError && !error.isTransient && error.code !== 'redemption_in_progress' && error.status !== 401;
}

/** Why a reward cannot be redeemed by this shopper now, or null. */
export function blockedReason(reward, view) {
  if (!view) return null;
  if ((reward.minLevel ?? 1) > view.level) return `Needs level ${reward.minLevel}`;
  if (reward.remaining === 0) return 'Out of stock';
  if (view.coins < reward.costCoins) return `You need ${formatNumber(reward.costCoins - view.coins)} more coins`;
  return null;
}

function pendingIds(storage) {
  try {
    return JSON.parse(storage.getItem(PENDING) ?? '{}') ?? {};
  } catch {
    return {};
  }
}

/** The redemptionId for the next attempt at `rewardId`: the unfinished one, or a new one. */
export function attemptId(rewardId, storage = globalThis.sessionStorage, newId = () => crypto.randomUUID()) {
  const ids = pendingIds(storage);
  ids[rewardId] ??= newId();
  storage.setItem(PENDING, JSON.stringify(ids));
  return ids[rewardId];
}

export function forgetAttempt(rewardId, storage = globalThis.sessionStorage) {
  const ids = pendingIds(storage);
  delete ids[rewardId];
  storage.setItem(PENDING, JSON.stringify(ids));
}

export function createRewards(panel, { client, onUnauthorized, currentView, onRedeemed }) {
  const list = h('ul', { class: 'plain rewards', id: 'rewards-list' });
  const status = h('div', { class: 'rewards-status', 'aria-live': 'polite' });
  let rewards = [];

  /** @type {Map<string, () => void>} rewardId → re-checks what the shopper can afford, keeping the card's outcome */
  const updates = new Map();

  function card(reward) {
    const outcome = h('div', { class: 'reward-outcome', 'aria-live': 'polite' });
    const reasonId = `reward-reason-${reward.rewardId}`;
    const reason = h('p', { class: 'hint', id: reasonId });
    const redeem = h('button', { type: 'button', class: 'primary', onclick: () => confirmStep() }, `Redeem for ${formatNumber(reward.costCoins)} coins`);
    const actions = h('div', { class: 'reward-actions' }, redeem);
    const update = () => {
      const blocked = blockedReason(reward, currentView());
      redeem.disabled = Boolean(blocked);
      reason.hidden = !blocked;
      reason.textContent = blocked ?? '';
      if (blocked) redeem.setAttribute('aria-describedby', reasonId);
      else redeem.removeAttribute('aria-describedby');
    };
    update();
    updates.set(reward.rewardId, update);

    function confirmStep() {
      const yes = h('button', { type: 'button', class: 'primary', onclick: () => send(yes) }, `Spend ${formatNumber(reward.costCoins)} coins`);
      fill(actions, yes, h('button', { type: 'button', onclick: () => { fill(actions, redeem); redeem.focus(); } }, 'Cancel'));
      yes.focus();
    }

    async function send(button) {
      button.disabled = true;
      fill(outcome, h('p', { class: 'state state-loading', role: 'status' }, 'Redeeming…'));
      try {
        const { body } = await client.post('/redemptions', { redemptionId: attemptId(reward.rewardId), rewardId: reward.rewardId });
        forgetAttempt(reward.rewardId);
        fill(outcome, h('div', { class: 'notice notice-ok coupon', role: 'status' },
          h('p', {}, `Your coupon for ${body.title ?? reward.title}:`),
          h('p', { class: 'coupon-code' }, body.couponCode),
          h('p', { class: 'hint' }, `Valid until ${formatTime(body.expiresAt)}. Show it at the ${reward.storeId ? 'store' : 'information desk'}.`)));
        fill(actions, redeem);
        onRedeemed(body);
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return onUnauthorized();
        if (isFinal(error)) forgetAttempt(reward.rewardId);
        fill(outcome, h('p', { class: 'notice notice-error', role: 'alert', dataset: { code: error?.code ?? '' } }, redemptionMessage(error)));
        button.disabled = false;
        if (isFinal(error)) fill(actions, redeem);
      }
    }

    return h('li', { class: 'reward', dataset: { reward: reward.rewardId } },
      h('div', { class: 'reward-head' }, h('h3', {}, reward.title), h('span', { class: 'reward-cost' }, `${formatNumber(reward.costCoins)} coins`)),
      reward.description ? h('p', {}, reward.description) : null,
      h('p', { class: 'hint' }, [reward.storeId ? `At ${reward.storeId}` : 'Mall-wide', reward.remaining !== undefined ? `${formatNumber(reward.remaining)} left` : null,
        reward.perUserLimit ? `up to ${reward.perUserLimit} per shopper` : null].filter(Boolean).join(' · ')),
      reason, actions, outcome);
  }

  function render() {
    updates.clear();
    if (!rewards.length) return showEmpty(status, 'No rewards on offer right now: come back soon.');
    fill(status);
    fill(list, rewards.map(card));
  }

  async function load() {
    panel.hidden = false;
    fill(panel, h('h2', { id: 'rewards-heading' }, 'Rewards'), status, list);
    showLoading(status, 'Loading rewards…');
    try {
      const body = await client.get('/rewards');
      rewards = [...(body.rewards ?? [])].sort((a, b) => a.costCoins - b.costCoins);
      render();
    } catch (error) {
      if (error instanceof ApiError && error.isMissingRoute) {
        panel.hidden = true; // no rewards API here
        return;
      }
      showError(status, error, { retry: load, onUnauthorized });
    }
  }

  /** Re-evaluates what the shopper can afford after the balance changed. */
  function refresh() {
    for (const update of updates.values()) update();
  }

  return { load, refresh };
}
