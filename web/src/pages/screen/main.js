/**
 * The mall screen (/screen?channel=atrium#token=…): the channel's effects as canvas animations, the week's
 * leaderboard (or an attract loop), a discreet offline mark during API outages. Runs for days: everything it
 * keeps is bounded (engine queue, seen ids, frame rings) and polling backs off instead of piling up.
 */
import '../../styles/base.css';
import '../../styles/screen.css';
import { createClient } from '../../api/client.js';
import { loadConfig } from '../../api/config.js';
import { captureFragmentToken, currentSession } from '../../session/token.js';
import { $, fill, h } from '../../ui/dom.js';
import { mountEffects } from '../../ui/effects-overlay.js';
import { renderSwitchConsent } from '../../ui/signin.js';
import { createBackground } from './attract.js';
import { createLeaderboard } from './leaderboard.js';

// a screen's token (#token=…): provisions an empty tab; another account's token waits for someone's answer
const offer = captureFragmentToken();

const CHANNEL = /^[a-z0-9-]{1,64}$/;
const params = new URLSearchParams(window.location.search);
const channel = params.get('channel') ?? 'atrium';
const message = $('#message');
const offline = $('#offline');

function showMessage(...children) {
  message.hidden = false;
  fill(message, ...children);
}

function clock() {
  const el = $('#clock');
  const tick = () => { el.textContent = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit' }).format(new Date()); };
  tick();
  setInterval(tick, 10000);
}

async function boot() {
  clock();
  $('#channel').textContent = CHANNEL.test(channel) ? channel.replace(/-/g, ' ') : '';
  if (!CHANNEL.test(channel)) {
    showMessage(h('h2', {}, 'Unknown channel'), h('p', {}, 'A channel is 1 to 64 of a-z, 0-9 and -, e.g. '), h('code', {}, '/screen?channel=atrium'));
    return;
  }
  const config = await loadConfig();
  if (offer?.status === 'needs-consent') {
    askToSwitch(offer);
    return;
  }
  const session = currentSession();
  if (!session) {
    showMessage(h('h2', {}, 'This screen needs its token'),
      h('p', {}, 'Open it with the screen token in the address: '), h('code', {}, `/screen?channel=${channel}#token=<token>`),
      h('p', {}, 'The token is kept for this tab only and removed from the address bar.'));
    return;
  }
  const client = createClient({ baseUrl: config.apiBase, getToken: () => currentSession()?.token ?? null });
  const canvas = $('#stage');
  let boardShown = false;
  const board = createLeaderboard($('#board'), { client, onAvailability: (yes) => { boardShown = yes; } });
  const capacity = Math.max(4, Math.min(256, Number(params.get('queue')) || 32));
  const effects = mountEffects({
    canvas, announcer: $('#announcer'), client, query: { channel }, intervalMs: 1000, queueCapacity: capacity,
    background: createBackground({ showAttract: () => !boardShown }),
    onState: (state, info) => {
      if (state === 'online') offline.hidden = true;
      if (state === 'offline') {
        offline.hidden = false;
        offline.textContent = `Offline, retrying in ${Math.ceil((info?.retryInMs ?? 0) / 1000)} s`;
      }
      if (state === 'unauthorized') showMessage(h('h2', {}, 'The screen token has expired'), h('p', {}, 'Provision this screen again with a new token.'));
    },
  });
  window.mallquestScreen = { stats: () => effects.engine.stats(), board: () => board.available };
  if (params.get('debug') === '1') {
    const debug = $('#debug');
    debug.hidden = false;
    setInterval(() => { debug.textContent = JSON.stringify(effects.engine.stats(), null, 1); }, 500);
  }
}

function askToSwitch(pending) {
  message.hidden = false;
  renderSwitchConsent(message, { offer: pending, onDecided: () => window.location.reload() });
}

boot();
// a new token for a running screen (#token=…): start again with it (another account's only when someone agrees)
window.addEventListener('hashchange', () => {
  const next = captureFragmentToken();
  if (next?.status === 'signed-in') window.location.reload();
  if (next?.status === 'needs-consent') askToSwitch(next);
});
