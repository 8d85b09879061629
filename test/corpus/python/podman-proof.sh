#!/bin/sh
# The microblog image built with podman, before and after the CLI (root; podman + debootstrap installed).
#   sh test/corpus/python/podman-proof.sh <before-cli.js> <after-cli.js>
# Base image: Debian bookworm minbase with Debian's python3, python3-flask, gunicorn, tini (PyPI is not
# reachable here: `pip` in the image is a stand-in that installs nothing), tagged localhost/pyapps-python:slim
# and used through `podman build --from` (the Dockerfile's own FROM is not retagged).
set -eu
BEFORE=$1 AFTER=$2
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/pyapps-podman-XXXXXX)
S="--storage-driver vfs"
if ! podman $S image exists localhost/pyapps-python:slim; then
  debootstrap --variant=minbase --include=python3,python3-flask,gunicorn,tini bookworm "$WORK/root" http://deb.debian.org/debian
  ln -sf /usr/bin/python3 "$WORK/root/usr/local/bin/python"
  printf '#!/bin/sh\necho "pip (stand-in): $*"\n' > "$WORK/root/usr/local/bin/pip" && chmod +x "$WORK/root/usr/local/bin/pip"
  tar -C "$WORK/root" -c . | podman $S import - localhost/pyapps-python:slim
fi
for v in before after; do
  cp -r "$HERE/flask-microblog" "$WORK/$v"
  cli=$BEFORE; [ $v = after ] && cli=$AFTER
  (cd "$WORK/$v" && node "$cli" . --yes > cli.log 2>&1)
  if (cd "$WORK/$v" && podman $S build --isolation chroot --pull=never --network host --from localhost/pyapps-python:slim -f Dockerfile -t "localhost/pyapps-microblog-$v" . > build.log 2>&1); then
    echo "$v: image built"
  else
    echo "$v: build failed: $(grep -m1 -E 'ModuleNotFoundError|Error:' "$WORK/$v/build.log")"
  fi
done
echo "logs in $WORK"
