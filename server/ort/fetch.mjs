// Fetches the native ONNX Runtime pinned in package-lock.json beside this file:
// `npm pack` downloads each package's tarball from the npm registry, its
// sha512 is checked against the lockfile's integrity, and only the files the
// build needs are unpacked into the destination folder:
//   <dest>/lib/libonnxruntime.so.1   (onnxruntime-node, linux x64)
//   <dest>/include/*.h               (the official C/C++ API headers)
// Usage: node server/ort/fetch.mjs <dest>
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dest = resolve(process.argv[2] ?? 'build/_deps/onnxruntime');
const lock = JSON.parse(readFileSync(join(here, 'package-lock.json'), 'utf8'));
const wanted = {
  'onnxruntime-node': { from: 'package/bin/napi-v6/linux/x64/libonnxruntime.so.1', to: 'lib', strip: 5 },
  'com.github.asus4.onnxruntime': {
    from: 'package/Plugins/iOS~/onnxruntime.xcframework/ios-arm64/onnxruntime.framework/Headers',
    to: 'include', strip: 7,
  },
};

const stampFile = join(dest, 'stamp.json');
const stamp = Object.fromEntries(Object.keys(wanted).map((n) => [n, lock.packages[`node_modules/${n}`].integrity]));
if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === JSON.stringify(stamp)) process.exit(0);

rmSync(dest, { recursive: true, force: true });
const download = join(dest, 'download');
mkdirSync(download, { recursive: true });
for (const [name, what] of Object.entries(wanted)) {
  const entry = lock.packages[`node_modules/${name}`];
  if (!entry) throw new Error(`${name} is not in server/ort/package-lock.json`);
  const file = execFileSync('npm', ['pack', `${name}@${entry.version}`, '--silent', '--pack-destination', download],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
  const tarball = join(download, file);
  const [algo, expected] = entry.integrity.split('-');
  const actual = createHash(algo).update(readFileSync(tarball)).digest('base64');
  if (actual !== expected) throw new Error(`${name}@${entry.version}: integrity mismatch (got ${algo}-${actual})`);
  const out = join(dest, what.to);
  mkdirSync(out, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', out, `--strip-components=${what.strip}`, what.from]);
  rmSync(tarball);
  console.log(`setup: ${name}@${entry.version} verified and unpacked into ${out}`);
}
rmSync(download, { recursive: true, force: true });
writeFileSync(stampFile, JSON.stringify(stamp));
