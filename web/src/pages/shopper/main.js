/**
 * The shopper's page (/): sign in, then balance, level and progress, submit a receipt, recent activity, and
 * the shopper's own effects playing over the page.
 */
import '../../styles/base.css';
import '../../styles/shopper.css';
import { loadConfig } from '../../api/config.js';
import { $, fill, h } from '../../ui/dom.js';
import { mountEffects } from '../../ui/effects-overlay.js';
import { createSignInGate } from '../../ui/signin.js';
import { notify } from '../../ui/states.js';
import { createActivity } from './activity.js';
import { createCoupons } from './coupons.js';
import { createBadges, createStanding } from './game.js';
import { createProfile } from './profile.js';
import { createReceiptForm } from './receipt.js';
import { createRewards } from './rewards.js';

const main = $('#main');
const who = $('#who');
// a link's token (#token=…): signs in an empty tab; someone else's waits for the person's answer
const gate = createSignInGate({ main, who, boot });
const notices = $('#notices');
let effects = null;

async function boot(reason) {
  const config = await loadConfig();
  effects?.destroy();
  effects = null;
  const entered = await gate.enter(config, reason);
  if (!entered) return;
  const { session, client, onUnauthorized } = entered;
  const profilePanel = h('section', { class: 'card', id: 'profile', 'aria-labelledby': 'balance-heading' });
  const receiptPanel = h('section', { class: 'card', id: 'receipt' });
  const rewardsPanel = h('section', { class: 'card', id: 'rewards', 'aria-labelledby': 'rewards-heading', hidden: true });
  const couponsPanel = h('section', { class: 'card', id: 'coupons', 'aria-label': 'Your coupons', hidden: true });
  const rankPanel = h('section', { class: 'card', id: 'rank', 'aria-labelledby': 'rank-heading', hidden: true });
  const badgesPanel = h('section', { class: 'card', id: 'badges', 'aria-labelledby': 'badges-heading', hidden: true });
  const activityPanel = h('section', { class: 'card wide', id: 'activity', 'aria-label': 'Recent activity' });
  fill(main, h('h1', { class: 'greeting' }, `Hi, ${session.claims.name}`),
    h('div', { class: 'shopper' }, profilePanel, receiptPanel, rankPanel, badgesPanel, rewardsPanel, couponsPanel, activityPanel));

  let rewards = null;
  const profile = createProfile(profilePanel, { client, onUnauthorized, onChange: () => rewards?.refresh() });
  const activity = createActivity(activityPanel, { client, onUnauthorized });
  effects = mountEffects({ canvas: $('#effects'), announcer: $('#effects-announcer'), client, intervalMs: 2000,
    onState: (state) => notify(notices, state === 'offline' ? 'Connection lost: your effects will show again when it is back.' : '', 'warn') });
  createReceiptForm(receiptPanel, {
    client, onUnauthorized,
    onCredited: (answer) => {
      effects?.pollNow();
      profile.applyBalance(answer?.user);
      profile.load({ quiet: true });
      activity.reload();
      standing.load();
      badges.load();
    },
  });
  const coupons = createCoupons(couponsPanel, { client, onUnauthorized });
  const standing = createStanding(rankPanel, { client, onUnauthorized });
  const badges = createBadges(badgesPanel, { client, onUnauthorized });
  rewards = createRewards(rewardsPanel, {
    client, onUnauthorized, currentView: () => profile.view,
    onRedeemed: (answer) => {
      effects?.pollNow();
      profile.applyBalance({ ...profile.view, coins: answer.balance });
      profile.load({ quiet: true });
      coupons.reload();
      activity.reload();
    },
  });
  window.mallquestShopper = { effects: () => effects?.engine.stats() };
  await Promise.all([profile.load(), activity.reload()]);
  await Promise.all([rewards.load(), coupons.reload(), standing.load(), badges.load()]);
}

boot();
