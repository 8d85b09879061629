/**
 * Local base images for the image tests, made without a registry: Debian bookworm (debootstrap
 * minbase from this machine's mirror) plus this machine's node and npm, tagged with the names
 * Dockerfiles use (node:20-slim, node:22-bookworm-slim, node:lts...). The rootfs tarball is cached
 * outside the repo, keyed by a hash of the recipe, so only the first run pays for debootstrap.
 *
 * What differs from the real images, on purpose: every node tag runs this machine's node (the
 * tests are about what the Dockerfile does, not the node version); npm reaches the registry
 * through the proxy whose CA is in the machine's bundle, so the bundle and an npmrc `cafile` are
 * in the image, and NODE_EXTRA_CA_CERTS lets corepack (pnpm, yarn) through too.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CACHE_DIR, podmanSync } from './podman.js';

export const NODE_TAGS = [
  'node:20-slim',
  'node:22-slim',
  'node:24-slim',
  'node:18-slim',
  'node:20',
  'node:22',
  'node:24',
  'node:lts',
  'node:lts-slim',
  'node:20-bookworm-slim',
  'node:22-bookworm-slim',
  'node:24-bookworm-slim',
  'node:20-bookworm',
  'node:22-bookworm',
  'debian:bookworm-slim',
  'debian:bookworm',
];

/** The Debian mirror apt uses on this machine (deb822 sources). */
export function debianMirror(): string {
  const text = readFileSync('/etc/apt/sources.list.d/debian.sources', 'utf8');
  const uris = [...text.matchAll(/^URIs:\s*(\S+)/gm)].map((m) => m[1]!);
  return uris.find((u) => !u.includes('security')) ?? 'http://deb.debian.org/debian';
}

interface Recipe {
  name: string;
  suite: string;
  mirror: string;
  include: string[];
  /** Shell run inside the rootfs (chroot) after debootstrap. */
  setup: string;
  /** Host files copied in, by content hash. */
  copies: { from: string; to: string }[];
  env: string[];
  tags: string[];
}

function nodeRecipe(): Recipe {
  const node = realpathSync(process.execPath);
  const npmDir = dirname(dirname(realpathSync(execFileSync('which', ['npm'], { encoding: 'utf8' }).trim())));
  const corepackDir = join(dirname(npmDir), 'corepack');
  return {
    name: 'node-base',
    suite: 'bookworm',
    mirror: debianMirror(),
    include: ['ca-certificates'],
    setup: [
      'groupadd --gid 1000 node',
      'useradd --uid 1000 --gid node --shell /bin/bash --create-home node',
      'ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm',
      'ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx',
      existsSync(corepackDir) ? 'ln -s ../lib/node_modules/corepack/dist/corepack.js /usr/local/bin/corepack' : 'true',
      'printf "cafile=/etc/ssl/certs/ca-certificates.crt\\nfund=false\\naudit=false\\nupdate-notifier=false\\n" > /usr/local/etc/npmrc',
      'apt-get clean',
      'rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin',
    ].join(' && '),
    copies: [
      { from: node, to: '/usr/local/bin/node' },
      { from: npmDir, to: '/usr/local/lib/node_modules/npm' },
      ...(existsSync(corepackDir) ? [{ from: corepackDir, to: '/usr/local/lib/node_modules/corepack' }] : []),
      // The proxy's CA lives only in this bundle.
      { from: '/etc/ssl/certs/ca-certificates.crt', to: '/etc/ssl/certs/ca-certificates.crt' },
    ],
    env: [
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt',
      'COREPACK_ENABLE_DOWNLOAD_PROMPT=0',
      // The proxy serves registry metadata without the signatures corepack checks pnpm and yarn against.
      'COREPACK_INTEGRITY_KEYS=0',
    ],
    tags: NODE_TAGS,
  };
}

export const PYTHON_TAGS = [
  'python:3.12-slim',
  'python:3.11-slim',
  'python:3.13-slim',
  'python:3.10-slim',
  'python:3.9-slim',
  'python:3-slim',
  'python:3.12',
  'python:3.11',
  'python:3.13',
  'python:3.12-slim-bookworm',
  'python:3.11-slim-bookworm',
];

/**
 * Python images from Debian's python3 (3.11 under every tag) with the servers preinstalled: PyPI is not
 * reachable from these machines, so pip runs with no index and only confirms what is installed.
 */
function pythonRecipe(): Recipe {
  return {
    name: 'python-base',
    suite: 'bookworm',
    mirror: debianMirror(),
    include: [
      'ca-certificates',
      'python3',
      'python3-pip',
      'python-is-python3',
      'python3-uvicorn',
      'python3-fastapi',
      'python3-flask',
      'gunicorn',
      'python3-httpx',
    ],
    setup: [
      'rm -f /usr/lib/python3*/EXTERNALLY-MANAGED',
      'printf "[global]\\nno-index = true\\nbreak-system-packages = true\\ndisable-pip-version-check = true\\n" > /etc/pip.conf',
      'apt-get clean',
      'rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin',
    ].join(' && '),
    copies: [{ from: '/etc/ssl/certs/ca-certificates.crt', to: '/etc/ssl/certs/ca-certificates.crt' }],
    env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'LANG=C.UTF-8'],
    tags: PYTHON_TAGS,
  };
}

/** Hash of everything that makes the rootfs (or, with `all`, the image): the recipe and the bytes copied in. */
function recipeHash(recipe: Recipe, all = true): string {
  const h = createHash('sha256');
  const { env, tags, ...rootfs } = recipe;
  h.update(JSON.stringify({ ...rootfs, copies: recipe.copies.map((c) => c.to), ...(all ? { env, tags } : {}) }));
  for (const c of recipe.copies) {
    // Directories (npm) are identified by their package.json version; files by content.
    const pkg = join(c.from, 'package.json');
    h.update(existsSync(pkg) ? readFileSync(pkg) : readFileSync(c.from));
  }
  return h.digest('hex').slice(0, 16);
}

function sh(script: string): void {
  execFileSync('sh', ['-ec', script], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

/** The recipe's rootfs as a tarball in the cache (made once per recipe hash). */
function rootfsTarball(recipe: Recipe, hash: string): string {
  const tar = join(CACHE_DIR, `${recipe.name}-${hash}.tar`);
  if (existsSync(tar)) return tar;
  mkdirSync(CACHE_DIR, { recursive: true });
  const root = join(CACHE_DIR, `${recipe.name}-${hash}.rootfs`);
  rmSync(root, { recursive: true, force: true });
  const include = recipe.include.length > 0 ? `--include=${recipe.include.join(',')}` : '';
  sh(`debootstrap --variant=minbase ${include} ${recipe.suite} '${root}' '${recipe.mirror}'`);
  for (const c of recipe.copies) {
    sh(`mkdir -p '${dirname(join(root, c.to))}' && cp -a '${c.from}' '${join(root, c.to)}'`);
  }
  sh(`chroot '${root}' /bin/sh -ec '${recipe.setup.replace(/'/g, `'\\''`)}'`);
  sh(`tar -C '${root}' -cf '${tar}.part' .`);
  renameSync(`${tar}.part`, tar);
  rmSync(root, { recursive: true, force: true });
  // Tarballs of older recipes are never used again.
  for (const old of readdirSync(CACHE_DIR)) {
    if (old.startsWith(`${recipe.name}-`) && old.endsWith('.tar') && join(CACHE_DIR, old) !== tar)
      rmSync(join(CACHE_DIR, old), { force: true });
  }
  return tar;
}

function labelOf(tag: string): string | null {
  try {
    return podmanSync(['image', 'inspect', tag, '--format', '{{ index .Config.Labels "cgs.recipe" }}']).trim();
  } catch {
    return null;
  }
}

/** Make (or reuse) the base image of a recipe and give it every tag. */
function ensure(recipe: Recipe): void {
  const hash = recipeHash(recipe);
  const primary = `docker.io/library/${recipe.tags[0]!}`;
  if (labelOf(primary) !== hash) {
    const tar = rootfsTarball(recipe, recipeHash(recipe, false));
    const changes = [...recipe.env.map((e) => `ENV ${e}`), `LABEL cgs.recipe=${hash}`, 'CMD ["bash"]'].flatMap((c) => ['--change', c]);
    podmanSync(['import', ...changes, tar, primary]);
  }
  for (const tag of recipe.tags.slice(1)) {
    if (labelOf(`docker.io/library/${tag}`) !== hash) podmanSync(['tag', primary, `docker.io/library/${tag}`]);
  }
  writeFileSync(join(CACHE_DIR, `${recipe.name}.current`), `${hash}\n`);
}

export function ensureNodeBaseImages(): void {
  ensure(nodeRecipe());
}

export function ensurePythonBaseImages(): void {
  ensure(pythonRecipe());
}
