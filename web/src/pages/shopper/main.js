/**
 * The shopper's page (/): sign in, then balance, level and progress, submit a receipt, recent activity, and
 * the shopper's own effects playing over the page.
 */
import '../../styles/base.css';
import '../../styles/shopper.css';
import { createClient } from '../../api/client.js';
import { loadConfig } from '../../api/config.js';
import { completeSignIn } from '../../session/oidc.js';
import { captureFragmentToken, clearToken, currentSession } from '../../session/token.js';
import { $, fill, h } from '../../ui/dom.js';
import { mountEffects } from '../../ui/effects-overlay.js';
import { renderSignIn, renderSwitchConsent, signOutOf } from '../../ui/signin.js';
import { notify } from '../../ui/states.js';
import { createActivity } from './activity.js';
import { createCoupons } from './coupons.js';
import { createBadges, createStanding } from './game.js';
import { createProfile } from './profile.js';
import { createReceiptForm } from './receipt.js';
import { createRewards } from './rewards.js';

// a link's token (#token=…): signs in an empty tab; someone else's waits for the person's answer
let offer = captureFragmentToken();

const main = $('#main');
const who = $('#who');
const notices = $('#notices');
let effects = null;

async function boot(reason) {
  const config = await loadConfig();
  effects?.destroy();
  effects = null;
  const answer = await completeSignIn(window, config.cognito);
  if (answer?.status === 'error') reason = answer.message;
  if (offer?.status === 'needs-consent') {
    const pending = offer;
    offer = null;
    fill(who);
    renderSwitchConsent(main, { offer: pending, onDecided: () => boot() });
    return;
  }
  const session = currentSession();
  if (!session) {
    fill(who);
    renderSignIn(main, { config, reason, onSignedIn: () => boot() });
    return;
  }
  const signOut = (why) => {
    if (why || !signOutOf(config)) {
      clearToken();
      boot(why);
    }
  };
  const onUnauthorized = () => signOut('Your sign-in has expired or is not valid. Sign in again.');
  const client = createClient({ baseUrl: config.apiBase, getToken: () => currentSession()?.token ?? null, onUnauthorized });

  fill(who, h('span', {}, `Signed in as ${session.claims.name}`), h('button', { type: 'button', id: 'sign-out', onclick: () => signOut() }, 'Sign out'));
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
// a token pasted into the address bar of an open tab (#token=…): as on load, never a silent switch of account
window.addEventListener('hashchange', () => {
  offer = captureFragmentToken();
  if (offer?.status === 'signed-in' || offer?.status === 'needs-consent') boot();
});
