// A dependency-free static server for the playground, on 127.0.0.1 only.
//
//   /        -> web/             (the page and its scripts)
//   /wasm/   -> build/wasm/bin/  (bufferlab.mjs and bufferlab.wasm of the `wasm` preset)
//
// PORT picks the port (default 8000; 0 lets the system choose), BL_WASM_DIR another folder
// for /wasm/. Only GET and HEAD; nothing outside the two folders is ever served.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const webRoot = path.dirname(fileURLToPath(import.meta.url));
const wasmRoot = path.resolve(process.env.BL_WASM_DIR ?? path.join(webRoot, '..', 'build', 'wasm', 'bin'));
const host = '127.0.0.1';
const port = Number(process.env.PORT ?? 8000);

const mimeTypes = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.py': 'text/plain; charset=utf-8',
};

// The file a URL path names, or null when it lies outside both roots or cannot be decoded.
function resolveFile(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const normalized = path.posix.normalize(decoded);
  if (!normalized.startsWith('/')) return null;
  const [root, rest] = normalized.startsWith('/wasm/')
    ? [wasmRoot, normalized.slice('/wasm/'.length)]
    : [webRoot, normalized.slice(1)];
  const file = path.resolve(root, rest);
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  return file;
}

// The regular file to send for `file`: itself, or its index.html when it is a folder.
async function regularFile(file) {
  let info = await stat(file).catch(() => null);
  if (info?.isDirectory()) {
    file = path.join(file, 'index.html');
    info = await stat(file).catch(() => null);
  }
  return info?.isFile() ? { file, size: info.size } : null;
}

function sendError(res, status, text) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${status} ${text}\n`);
}

async function handle(req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return sendError(res, 405, 'Method Not Allowed');
  }
  const urlPath = new URL(req.url, `http://${host}`).pathname;
  const resolved = resolveFile(urlPath);
  const found = resolved && (await regularFile(resolved));
  if (!found) return sendError(res, 404, 'Not Found');
  res.writeHead(200, {
    'Content-Type': mimeTypes[path.extname(found.file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': found.size,
    'Cache-Control': 'no-cache',
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(found.file)
    .on('error', () => res.destroy())
    .pipe(res);
}

const server = createServer((req, res) => {
  handle(req, res).catch((err) => {
    console.error(err);
    if (!res.headersSent) sendError(res, 500, 'Internal Server Error');
    else res.destroy();
  });
});

server.on('error', (err) => {
  const hint = err.code === 'EADDRINUSE' ? ` (port ${port} is taken: set PORT to another one)` : '';
  console.error(`serve: ${err.message}${hint}`);
  process.exit(1);
});

server.listen(port, host, () => {
  console.log(`bufferlab playground: http://${host}:${server.address().port}/`);
  console.log(`serving ${webRoot} at / and ${wasmRoot} at /wasm/ (Ctrl-C stops)`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)).closeAllConnections());
}
