// The wasm module as node sees it: an ES module whose factory loads bufferlab.wasm from beside
// itself (no options, with or without node's global fetch) and answers version().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const wasmDir = path.resolve(process.env.BL_WASM_DIR ?? path.join(repoRoot, 'build', 'wasm', 'bin'));

test('node imports bufferlab.mjs and calls version()', async () => {
  const modulePath = path.join(wasmDir, 'bufferlab.mjs');
  assert.ok(existsSync(modulePath), `${modulePath} is missing: build the wasm preset (cmake --build --preset wasm)`);
  const { default: createBufferlab } = await import(pathToFileURL(modulePath));
  const bufferlab = await createBufferlab();
  const version = bufferlab.version();
  if (process.env.BL_VERSION) assert.equal(version, process.env.BL_VERSION);
  else assert.match(version, /^\d+\.\d+\.\d+$/);
});
