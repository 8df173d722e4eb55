// The real system the browser tests run against: a redis-server and a moto_server of their own on free loopback
// ports (fresh data every run), and `./mallquest start-api` on a third port serving the API and the built app.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../../..');

export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

function waitForOutput(child, pattern, what, timeoutMs) {
  return new Promise((ok, fail) => {
    let seen = '';
    const timer = setTimeout(() => fail(new Error(`${what} not ready after ${timeoutMs} ms:\n${seen.slice(-4000)}`)), timeoutMs);
    const onData = (chunk) => {
      seen += chunk;
      if (pattern.test(seen)) {
        clearTimeout(timer);
        ok();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${what} exited (${code}) before it was ready:\n${seen.slice(-4000)}`));
    });
  });
}

function stopProcess(child, signal = 'SIGTERM') {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((ok) => {
    const timer = setTimeout(() => {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
      ok();
    }, 15000);
    child.once('exit', () => {
      clearTimeout(timer);
      ok();
    });
    try { process.kill(-child.pid, signal); } catch { ok(); }
  });
}

/** Starts a container of each function, one after the other, so that the first test does not wait for cold starts. */
async function warmUp(baseUrl) {
  const token = await (await fetch(`${baseUrl}/local/dev-token`, { method: 'POST', body: JSON.stringify({ sub: 'warm-up', groups: ['admin'] }) })).json();
  const auth = { Authorization: `Bearer ${token.token}` };
  for (const path of ['/stores', '/users/me', '/effects', '/metrics', '/rewards', '/leaderboards/week', '/admin/receipts?status=pending_review']) {
    for (let attempt = 0; attempt < 3; attempt++) {
      const r = await fetch(baseUrl + path, { headers: auth });
      await r.arrayBuffer();
      if (r.status < 500) break;
    }
  }
  const batch = await fetch(`${baseUrl}/admin/users/batch`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ adjustments: [] }) });
  await batch.arrayBuffer();
}

/**
 * Starts Redis, moto_server (DynamoDB) and start-api. `env` is added to start-api's environment (settings such as
 * EFFECTS_MAX_PER_SECOND for the burst test). Returns {baseUrl, log(), stop()}.
 */
export async function startStack({ env = {}, log = () => {} } = {}) {
  const children = [];
  const dir = mkdtempSync(join(tmpdir(), 'mallquest-web-'));
  const stop = async () => {
    for (const c of children.reverse()) await stopProcess(c);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const redisPort = await freePort();
    const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(redis);
    await waitForOutput(redis, /Ready to accept connections/, 'redis-server', 20000);

    const dynamoDbPort = await freePort();
    // moto_server one request at a time (local/services' moto_serial.py, as MotoServer runs it: moto's conditional
    // writes are not atomic under concurrent requests); its own process group, stopped with the others
    const serial = join(REPO, 'local/services/src/main/resources/com/mallquest/local/services/moto_serial.py');
    const moto = spawn(process.env.MOTO_PYTHON || 'python3', [serial, '-H', '127.0.0.1', '-p', String(dynamoDbPort)],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    moto.on('error', () => {}); // a missing moto_server surfaces as its exit below
    children.push(moto);
    await waitForOutput(moto, /Running on/i, `moto_server (install it with: pip install 'moto[server]')`, 60000);

    const apiPort = await freePort();
    let apiLog = '';
    const api = spawn(join(REPO, 'mallquest'), ['start-api', '--port', String(apiPort)], {
      cwd: REPO,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${redisPort}`, DYNAMODB_ENDPOINT: `http://127.0.0.1:${dynamoDbPort}`, ...env },
    });
    children.push(api);
    const keep = (chunk) => {
      apiLog = (apiLog + chunk).slice(-200000);
      log(String(chunk));
    };
    api.stdout.on('data', keep);
    api.stderr.on('data', keep);
    await waitForOutput(api, /Ready in \d+ ms/, './mallquest start-api', 600000);
    await warmUp(`http://127.0.0.1:${apiPort}`);
    return { baseUrl: `http://127.0.0.1:${apiPort}`, apiLog: () => apiLog, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
