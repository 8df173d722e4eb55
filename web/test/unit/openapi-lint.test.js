// openapi.yaml passes Redocly CLI's recommended rules (web/redocly.yaml): no error, no warning.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const web = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const document = join(web, '..', 'openapi.yaml');
const redocly = join(web, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');

/** `redocly lint <file>` with the project's config: its JSON report ({totals, problems}). */
async function lint(file) {
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
  const args = [redocly, 'lint', file, '--config', join(web, 'redocly.yaml'), '--format', 'json'];
  try {
    const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: web, env, maxBuffer: 16 << 20 });
    return JSON.parse(stdout);
  } catch (e) {
    // exit 1 when it found errors: the report is still on stdout
    if (e.stdout) return JSON.parse(e.stdout);
    throw e;
  }
}

const summary = (report) => report.problems
  .map((p) => `${p.severity} ${p.ruleId} at ${p.location?.[0]?.pointer}: ${p.message}`).join('\n');

test('openapi.yaml: Redocly recommended rules report no error and no warning', async () => {
  const report = await lint(document);
  assert.equal(report.totals.errors, 0, summary(report));
  assert.equal(report.totals.warnings, 0, summary(report));
});

test('openapi.yaml lint: a description with a comma in a YAML flow mapping is an error (issue 20, item 16)', async () => {
  // GIVEN the document with one description written as it was before the fix: half the sentence became a key
  const text = await readFile(document, 'utf8');
  const quoted = "description: 'ISO weeks in a row with a credited receipt, up to this (or last) week'";
  assert.ok(text.includes(quoted), 'the Streak description moved: update this test');
  const dir = await mkdtemp(join(tmpdir(), 'openapi-lint-'));
  try {
    const broken = join(dir, 'openapi.yaml');
    await writeFile(broken, text.replace(quoted, quoted.replaceAll("'", '')));
    // WHEN linted THEN the stray key is reported as an error
    const report = await lint(broken);
    assert.ok(report.totals.errors >= 1, summary(report));
    assert.match(summary(report), /up to this \(or last\) week/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
