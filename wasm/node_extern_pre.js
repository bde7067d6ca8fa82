// Emscripten 3.1.6 writes its node code for CommonJS (`require`, `__dirname`); an ES module
// has neither, so define them when this module runs under node. Browsers skip this.
const bufferlabOnNode = typeof process == 'object' && typeof process.versions == 'object' &&
  typeof process.versions.node == 'string';
const require = bufferlabOnNode ? (await import('node:module')).createRequire(import.meta.url) : undefined;
const __dirname = bufferlabOnNode ? require('node:path').dirname(require('node:url').fileURLToPath(import.meta.url)) : undefined;
