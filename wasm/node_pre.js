// Under node, read the .wasm from beside this file: Emscripten 3.1.6 would hand a file path to
// node's global fetch() ("Failed to parse URL") or read a file: URL as a path.
// (`_scriptDir` is the factory's import.meta.url.)
if (typeof process == 'object' && typeof process.versions == 'object' &&
    typeof process.versions.node == 'string' && !Module['wasmBinary']) {
  Module['wasmBinary'] = require('fs').readFileSync(new URL('bufferlab.wasm', _scriptDir));
}
