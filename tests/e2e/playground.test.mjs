// Browser smoke test: web/serve.mjs serves the page and the wasm module, Debian's Chromium
// (driven by playwright-core from web/node_modules) loads them, and the page shows
// "bufferlab <version>" with no page error, console error or failed request.
//
// Run by ctest in the wasm build (test `e2e`), or by hand after `cmake --build --preset wasm`:
//   node --test tests/e2e/
// BL_WASM_DIR names the folder of bufferlab.mjs/.wasm (default build/wasm/bin), BL_VERSION the
// expected version (default: any x.y.z).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const webDir = path.join(repoRoot, 'web');
const wasmDir = path.resolve(process.env.BL_WASM_DIR ?? path.join(repoRoot, 'build', 'wasm', 'bin'));
const chromiumPath = '/usr/bin/chromium';
const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// playwright-core, resolved from web/node_modules (ES modules ignore NODE_PATH).
function loadPlaywright() {
  if (!existsSync(path.join(webDir, 'node_modules', 'playwright-core'))) {
    throw new Error('web/node_modules/playwright-core is missing: run scripts/setup (it runs `npm ci` in web/)');
  }
  return createRequire(path.join(webDir, 'package.json'))('playwright-core');
}

// Starts web/serve.mjs on a port the system picks; resolves to { url, stop }.
function startServer() {
  const child = spawn(process.execPath, [path.join(webDir, 'serve.mjs')], {
    env: { ...process.env, PORT: '0', BL_WASM_DIR: wasmDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error('serve.mjs printed no URL within 10 s')), 10_000);
    const fail = (error) => { clearTimeout(timer); stop().then(() => reject(new Error(`${error.message}\n${output}`))); };
    const collect = (chunk) => {
      output += chunk;
      const match = output.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (match) { clearTimeout(timer); resolve({ url: match[0], stop }); }
    };
    child.stdout.setEncoding('utf8').on('data', collect);
    child.stderr.setEncoding('utf8').on('data', (chunk) => { output += chunk; });
    child.once('exit', (code) => fail(new Error(`serve.mjs exited with ${code}`)));
  });
}

test('the playground loads the wasm module and shows its version', { timeout: 120_000 }, async () => {
  const { chromium } = loadPlaywright();
  for (const file of ['bufferlab.mjs', 'bufferlab.wasm']) {
    assert.ok(existsSync(path.join(wasmDir, file)),
      `${path.join(wasmDir, file)} is missing: build the wasm preset (cmake --build --preset wasm)`);
  }
  const server = await startServer();
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'bufferlab-e2e-'));
  let context;
  try {
    for (const [file, type] of [['/', 'text/html'], ['/main.js', 'text/javascript'],
      ['/wasm/bufferlab.mjs', 'text/javascript'], ['/wasm/bufferlab.wasm', 'application/wasm']]) {
      const response = await fetch(new URL(file, server.url));
      assert.equal(response.status, 200, `GET ${file}`);
      assert.match(response.headers.get('content-type'), new RegExp(`^${type}`), `Content-Type of ${file}`);
      await response.arrayBuffer();
    }

    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: chromiumArgs,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const problems = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
    });

    await page.goto(server.url, { waitUntil: 'load' });
    const expected = process.env.BL_VERSION ? `bufferlab ${process.env.BL_VERSION}` : null;
    await page.waitForFunction(
      () => !/loading/.test(document.getElementById('version')?.textContent ?? 'loading'),
      null, { timeout: 30_000 });
    const text = (await page.textContent('#version')).trim();
    const seen = `page problems: ${JSON.stringify(problems)}`;
    if (expected) assert.equal(text, expected, seen);
    else assert.match(text, /^bufferlab \d+\.\d+\.\d+$/, seen);
    // The simulated kernel ran in the page: both names survive the crash (the directory was
    // fsynced), but only the fsynced file keeps its data.
    const demo = await page.textContent('#demo');
    assert.match(demo, /fsync\(3\) = 0/);
    assert.match(demo, /crash: lost \[\], reverted \[".*draft\.txt"\]/);
    const after = demo.split('after the reboot')[1];
    assert.match(after, /draft\.txt: ""/);
    assert.match(after, /saved\.txt: "written and fsynced\\n"/);
    assert.deepEqual(problems, []);
  } finally {
    await context?.close();
    await server.stop();
    rmSync(userDataDir, { recursive: true, force: true });
  }
});
