// Loads the wasm module, shows its version and a first run of the simulated kernel: the
// placeholder of the playground.
import createBufferlab from './wasm/bufferlab.mjs';

const versionElement = document.getElementById('version');
const demoElement = document.getElementById('demo');

function fileList(files) {
  return files.map((f) => `${f.path}: ${JSON.stringify(f.cache)}`).join('\n') || '(none)';
}

try {
  const bufferlab = await createBufferlab();
  versionElement.textContent = `bufferlab ${bufferlab.version()}`;
  const demo = JSON.parse(bufferlab.crashDemo());
  demoElement.textContent = [
    '$ syscalls', ...demo.trace, '',
    '$ files before the power loss', fileList(demo.before), '',
    `$ crash: lost ${JSON.stringify(demo.crash.lost)}, reverted ${JSON.stringify(demo.crash.reverted)}`, '',
    '$ files after the reboot', fileList(demo.after),
  ].join('\n');
} catch (error) {
  versionElement.textContent = `bufferlab failed to load: ${error}`;
  versionElement.className = 'error';
  throw error;
}
