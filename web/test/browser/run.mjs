// The browser tests: build the app, start the real stack (Redis, moto_server, ./mallquest start-api), run every
// *.test.mjs here with node's test runner against it in headless Chromium, stop everything.
// Screenshots go to web/target/screenshots/ (MQ_SCREENSHOTS=docs/screenshots to refresh docs/web.md's). Exit status: the test runner's (non-zero when a page is broken).
import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { startStack } from './stack.mjs';

const here = import.meta.dirname;
const only = process.argv.slice(2);

await build({ root: join(here, '../..'), logLevel: 'warn' });
writeFileSync(join(here, '../../dist/.built'), ''); // ./mallquest start-api's "web/dist is up to date" stamp
console.log('web: built web/dist');

const stack = await startStack({
  env: {
    // The burst test sends 200 effects to one channel at once: let the API store them all.
    EFFECTS_MAX_PER_SECOND: '1000',
    EFFECTS_MAX_ACTIVE: '500',
  },
});
console.log(`web: start-api ready on ${stack.baseUrl}`);
let code = 1;
try {
  const files = readdirSync(here).filter((f) => f.endsWith('.test.mjs') && (!only.length || only.some((o) => f.includes(o)))).sort().map((f) => join(here, f));
  code = await new Promise((ok) => {
    const child = spawn(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
      stdio: 'inherit', env: { ...process.env, MQ_BASE_URL: stack.baseUrl },
    });
    child.on('exit', (c, signal) => ok(c ?? (signal ? 1 : 0)));
  });
  if (code !== 0) console.log(`web: start-api log (last lines):\n${stack.apiLog().split('\n').slice(-60).join('\n')}`);
} finally {
  await stack.stop();
}
process.exit(code);
