/**
 * What a base image is, from its reference alone (we never pull images): which family installs
 * tini how, and which ENTRYPOINT the image brings along that our ENTRYPOINT must keep.
 */

export type ImageFamily = 'alpine' | 'debian' | 'ubuntu' | 'ubi' | 'distroless' | 'scratch' | 'windows' | 'unknown';

export interface BaseImage {
  family: ImageFamily;
  /** ENTRYPOINT the image sets that the app's CMD relies on (distroless `node` images). */
  inheritedEntrypoint: string[] | null;
  /** A server the image runs by itself (official nginx, php-fpm, httpd images). */
  server: 'nginx' | 'php-fpm' | 'httpd' | null;
}

// Official images whose default variants are Debian-based.
const DEBIAN_OFFICIAL = new Set([
  'node',
  'python',
  'nginx',
  'php',
  'httpd',
  'ruby',
  'golang',
  'openjdk',
  'perl',
  'rust',
  'buildpack-deps',
  'bun',
  'oven/bun',
  'debian',
]);
const DEBIAN_TAG = /(^|[-.])(slim|bookworm|bullseye|buster|trixie|stretch)([-.]|$)/;
const UBUNTU_TAG = /(^|[-.])(jammy|noble|focal|bionic)([-.]|$)/;

/** Classify an image reference such as `node:20-alpine` or `gcr.io/distroless/nodejs22-debian12`. */
export function classifyImage(reference: string): BaseImage {
  const ref = reference.trim().toLowerCase();
  const [nameWithRegistry = '', tag = ''] = splitTag(ref);
  const name = nameWithRegistry.replace(/^docker\.io\//, '').replace(/^library\//, '');
  const last = name.split('/').pop() ?? name;
  const server = serverOf(last, tag);

  if (/windows|nanoserver|servercore/.test(name) || /nanoserver|servercore|ltsc\d{4}/.test(tag)) {
    return { family: 'windows', inheritedEntrypoint: null, server: null };
  }
  if (name === 'scratch') return { family: 'scratch', inheritedEntrypoint: null, server: null };
  if (name.includes('distroless')) {
    return { family: 'distroless', inheritedEntrypoint: distrolessEntrypoint(last), server: null };
  }
  if (name.startsWith('cgr.dev/chainguard/')) {
    // Even the -dev variants (Wolfi apk) run as a non-root user and put tini elsewhere than
    // Alpine does: the static copy works for all of them.
    return { family: 'distroless', inheritedEntrypoint: chainguardEntrypoint(last), server };
  }
  if (
    /(^|\/)ubi\d*(-|\/|$)/.test(name) ||
    /^registry\.(access\.)?redhat\.(io|com)\//.test(name) ||
    /(^|\/)(fedora|centos|rockylinux|almalinux|amazonlinux|oraclelinux)$/.test(name)
  ) {
    return { family: 'ubi', inheritedEntrypoint: null, server };
  }
  if (tag.includes('alpine') || last === 'alpine' || last.includes('alpine')) {
    return { family: 'alpine', inheritedEntrypoint: null, server };
  }
  if (last === 'ubuntu' || UBUNTU_TAG.test(tag)) return { family: 'ubuntu', inheritedEntrypoint: null, server };
  if (DEBIAN_TAG.test(tag) || DEBIAN_OFFICIAL.has(name) || last === 'debian') {
    return { family: 'debian', inheritedEntrypoint: null, server };
  }
  return { family: 'unknown', inheritedEntrypoint: null, server };
}

function splitTag(ref: string): [string, string] {
  const noDigest = ref.split('@')[0] ?? ref;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  // A colon before the last slash is a registry port, not a tag.
  if (colon > slash) return [noDigest.slice(0, colon), noDigest.slice(colon + 1)];
  return [noDigest, ''];
}

function serverOf(last: string, tag: string): BaseImage['server'] {
  if (last === 'nginx' || last.startsWith('nginx-') || last === 'openresty') return 'nginx';
  if (last === 'php' && tag.includes('fpm')) return 'php-fpm';
  if (last === 'php-fpm') return 'php-fpm';
  if (last === 'httpd') return 'httpd';
  return null;
}

function distrolessEntrypoint(last: string): string[] | null {
  if (last.startsWith('nodejs')) return ['/nodejs/bin/node'];
  if (last.startsWith('python')) return ['/usr/bin/python3'];
  if (last.startsWith('java')) return ['/usr/bin/java', '-jar'];
  return null;
}

function chainguardEntrypoint(last: string): string[] | null {
  if (last === 'node') return ['/usr/bin/node'];
  if (last === 'python') return ['/usr/bin/python'];
  return null;
}
