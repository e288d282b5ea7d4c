#!/usr/bin/env bash
# `make test-ltr`: ruff and the whole test suite on QGIS 3.44 LTR (Debian trixie + trixie-backports: Python 3.13,
# numpy 2, GDAL 3.10). Builds a trixie root with debootstrap + apt (QGIS from trixie-backports, pinned), installs
# requirements-ltr.txt into a venv inside, then runs
# ruff and pytest there with this checkout and ../shared bind-mounted at their own paths. Run as root.
# The root is cached in LTR_ROOT (outside the repository); each stage has a marker, so a rerun only
# repeats what changed. LTR_FRESH=1 deletes the cache first (the from-scratch run).
# `bash scripts/test_ltr.sh desktop` runs scripts/desktop_check.sh there instead (docs/qgis_344_panel.png).
# Every network step has a wall-clock limit (LTR_NET_TIMEOUT seconds each, default 1800; apt and pip also retry
# and time out per connection): an unreachable mirror or index ends the run with one line saying which step.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
SHARED=$(cd "$REPO/.." && pwd)/shared
# its own root: a 3.40 root (/var/cache/lst-fusion-ltr/root, before issue 40) is never reused or mixed in
ROOT=${LTR_ROOT:-/var/cache/lst-fusion-ltr344/root}
QGIS_SERIES=3.44  # the LTR under test: from trixie-backports (priority 100 unless pinned, below)
MIRROR=${LTR_MIRROR:-http://deb.debian.org/debian}
VENV=/opt/lst-fusion-venv
NET_TIMEOUT=${LTR_NET_TIMEOUT:-1800}
APT_PACKAGES="qgis python3-qgis qgis-providers xvfb xauth python3-rasterio python3-skimage python3-scipy python3-sklearn
              python3-matplotlib gdal-bin python3-venv python3-pip ca-certificates git"
APT_NET="-o Acquire::http::Timeout=60 -o Acquire::https::Timeout=60 -o Acquire::Retries=3"
say() { echo "[test-ltr $(date +%H:%M:%S)] $*"; }
net() {  # net WHAT LOG CMD...: a network step, at most NET_TIMEOUT s; on failure its log's tail and one sentence
  local what=$1 log=$2 rc=0; shift 2
  timeout --kill-after=30 "$NET_TIMEOUT" "$@" >"$log" 2>&1 || rc=$?
  [ "$rc" = 0 ] && return 0
  tail -20 "$log"
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    say "FAILED: $what did not finish within ${NET_TIMEOUT} s (network? check the mirror/index and proxy; LTR_NET_TIMEOUT raises the limit); log: $log"
  else
    say "FAILED: $what exited with $rc (network or mirror error?); log: $log"
  fi
  exit 1
}

[ "$(id -u)" = 0 ] || { echo "make test-ltr needs root (debootstrap, chroot, mount)"; exit 2; }
if [ "${LTR_FRESH:-0}" = 1 ] && [ -d "$ROOT" ]; then
  say "LTR_FRESH=1: removing $ROOT"
  grep -q " $ROOT/" /proc/mounts && { echo "$ROOT still has mounts; not deleting"; exit 2; }
  rm -rf "$ROOT"
fi

# 1. base system
if [ ! -e "$ROOT/.stage-debootstrap" ]; then
  mkdir -p "$(dirname "$ROOT")"
  if ! command -v debootstrap >/dev/null; then
    say "installing debootstrap on the host"
    net "apt-get update on the host" "$(dirname "$ROOT")/host-apt.log" apt-get update -qq $APT_NET
    net "apt-get install debootstrap on the host" "$(dirname "$ROOT")/host-apt.log" \
      env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $APT_NET debootstrap
  fi
  say "debootstrap trixie into $ROOT"
  rm -rf "$ROOT"
  net "debootstrap from $MIRROR" "$(dirname "$ROOT")/debootstrap.log" debootstrap --variant=minbase trixie "$ROOT" "$MIRROR"
  touch "$ROOT/.stage-debootstrap"
fi

# Everything below runs in a private mount namespace: its mounts vanish with it, whatever happens.
# The trap unmounts them explicitly too (reverse order) so nothing is left behind even without unshare.
if [ -z "${LTR_IN_NS:-}" ]; then
  LTR_FRESH=0 LTR_IN_NS=1 exec unshare --mount --propagation private bash "$0" "$@"
fi
MOUNTS=()
cleanup() {
  local i
  for ((i=${#MOUNTS[@]}-1; i>=0; i--)); do umount "${MOUNTS[$i]}" 2>/dev/null || umount -l "${MOUNTS[$i]}" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM
bind() {  # bind SRC [ro]: SRC appears at the same path inside the root
  local src=$1 dst=$ROOT$1
  if [ -d "$src" ]; then mkdir -p "$dst"; else mkdir -p "$(dirname "$dst")"; [ -e "$dst" ] || touch "$dst"; fi
  mount --bind "$src" "$dst"; MOUNTS+=("$dst")
  if [ "${2:-}" = ro ]; then mount -o remount,bind,ro "$dst"; fi
}
mount -t proc proc "$ROOT/proc"; MOUNTS+=("$ROOT/proc")
bind /dev; bind /dev/pts; [ -d /dev/shm ] && bind /dev/shm
mount -t sysfs -o ro sysfs "$ROOT/sys"; MOUNTS+=("$ROOT/sys")  # read-only, as on a host (a test writes there to fail)
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"

INSIDE=(chroot "$ROOT" /usr/bin/env -u LTR_IN_NS PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive)
inside() { "${INSIDE[@]}" "$@"; }

# 2. QGIS 3.44 from trixie-backports and the Python stack from trixie. Backports are NotAutomatic (priority 100):
# an apt preferences pin raises QGIS's own packages there to 990, everything else stays trixie's (GDAL 3.10, numpy 2).
# The marker names the series, so a root built for another series is refused rather than mixed in.
if [ ! -e "$ROOT/.stage-apt-$QGIS_SERIES" ]; then
  if ls "$ROOT"/.stage-apt* >/dev/null 2>&1; then
    say "FAILED: $ROOT holds another QGIS series ($(cd "$ROOT" && ls .stage-apt*)); LTR_FRESH=1 rebuilds it"; exit 2
  fi
  say "apt: QGIS $QGIS_SERIES (trixie-backports) and the Python 3.13 stack"
  echo "deb $MIRROR trixie-backports main" > "$ROOT/etc/apt/sources.list.d/trixie-backports.list"
  cat > "$ROOT/etc/apt/preferences.d/qgis-backports" <<'PIN'
Package: qgis* python3-qgis* libqgis*
Pin: release n=trixie-backports
Pin-Priority: 990
PIN
  # shellcheck disable=SC2086
  net "apt-get update in the root" "$(dirname "$ROOT")/apt.log" "${INSIDE[@]}" apt-get update -qq $APT_NET
  # shellcheck disable=SC2086
  net "apt-get install (QGIS $QGIS_SERIES) in the root" "$(dirname "$ROOT")/apt.log" \
    "${INSIDE[@]}" apt-get install -y -qq --no-install-recommends $APT_NET $APT_PACKAGES
  inside apt-get clean
  got=$(inside dpkg-query -W -f '${Version}' python3-qgis)
  case $got in
    "$QGIS_SERIES".*|*:"$QGIS_SERIES".*) ;;
    *) say "FAILED: apt installed python3-qgis $got, not $QGIS_SERIES.x (is trixie-backports reachable at $MIRROR?)"; exit 1 ;;
  esac
  touch "$ROOT/.stage-apt-$QGIS_SERIES"
fi
# a package added to APT_PACKAGES later (e.g. python3-sklearn) is installed into an existing root of the series
APT_HASH=$(echo "$APT_PACKAGES" | tr -s ' \n' ' ' | sha256sum | cut -c1-16)
if [ ! -e "$ROOT/.stage-pkglist-$APT_HASH" ]; then
  say "apt: the package list changed; installing what the root lacks"
  # shellcheck disable=SC2086
  net "apt-get update in the root" "$(dirname "$ROOT")/apt.log" "${INSIDE[@]}" apt-get update -qq $APT_NET
  # shellcheck disable=SC2086
  net "apt-get install (package list) in the root" "$(dirname "$ROOT")/apt.log" \
    "${INSIDE[@]}" apt-get install -y -qq --no-install-recommends $APT_NET $APT_PACKAGES
  inside apt-get clean
  rm -f "$ROOT"/.stage-pkglist-*
  touch "$ROOT/.stage-pkglist-$APT_HASH"
fi

# pip inside uses the host's pip configuration: its files, CA bundle, find-links folders and file:// indexes
# (a host behind a TLS-inspecting proxy keeps its CA there), bind-mounted read-only at the same paths.
HOSTPIP=$(command -v pip3 || command -v pip || true)
PIP_PATHS=()
if [ -n "$HOSTPIP" ]; then
  while read -r f; do [ -e "$f" ] && PIP_PATHS+=("$f"); done < <("$HOSTPIP" config debug 2>/dev/null |
    sed -n 's/^ *\(\/[^ ]*\), exists: True.*/\1/p')
  while read -r key v; do
    for p in $v; do
      case $p in file://*) p=${p#file://}; [ "$key" != find-links ] && p=$(dirname "${p%/}");; esac  # an index's files lie beside simple/
      [ -e "$p" ] && PIP_PATHS+=("$p")
    done
  done < <("$HOSTPIP" config list 2>/dev/null | sed -n "s/^[^=]*\.\(cert\|constraint\|find-links\|extra-index-url\|index-url\)='\(.*\)'$/\1 \2/p")
fi
for v in PIP_CERT PIP_FIND_LINKS PIP_CONSTRAINT PIP_INDEX_URL PIP_EXTRA_INDEX_URL REQUESTS_CA_BUNDLE SSL_CERT_FILE; do
  for p in ${!v:-}; do
    case $v:$p in *INDEX_URL:file://*) p=$(dirname "${p#file://}");; *) p=${p#file://};; esac
    [ -e "$p" ] && PIP_PATHS+=("$p")
  done
done
for p in $(printf '%s\n' "${PIP_PATHS[@]}" | sort -u); do bind "$p" ro; done
[ -e /etc/ssl/certs/ca-certificates.crt ] && bind /etc/ssl/certs/ca-certificates.crt ro

# 3. Python deps (redone when requirements-ltr.txt changes); numpy stays Debian's (GDAL bindings are built on it)
REQ_HASH=$(sha256sum "$REPO/requirements-ltr.txt" | cut -c1-16)
if [ ! -e "$ROOT/.stage-pip-$REQ_HASH" ]; then
  say "pip: requirements-ltr.txt into $VENV"
  rm -rf "$ROOT$VENV" "$ROOT"/.stage-pip-*
  inside /usr/bin/python3 -m venv --system-site-packages "$VENV"
  NUMPY=$(inside /usr/bin/python3 -c 'import numpy; print(numpy.__version__)')
  cp "$REPO/requirements-ltr.txt" "$ROOT/tmp/requirements-ltr.txt"
  net "pip install -r requirements-ltr.txt in the root" "$(dirname "$ROOT")/pip.log" "${INSIDE[@]}" "$VENV/bin/python" -m pip \
    install -q --disable-pip-version-check --timeout 60 --retries 3 -r /tmp/requirements-ltr.txt "numpy==$NUMPY"
  touch "$ROOT/.stage-pip-$REQ_HASH"
fi

# 4. ruff + the whole suite, this checkout and ../shared at their own paths
bind "$REPO"; [ -d "$SHARED" ] && bind "$SHARED" ro
# a git worktree's .git file points into the main checkout's .git: make that visible too
if [ -f "$REPO/.git" ]; then
  GITDIR=$(git -C "$REPO" rev-parse --git-common-dir 2>/dev/null || true)
  [ -n "$GITDIR" ] && [ -d "$GITDIR" ] && bind "$(cd "$REPO" && cd "$GITDIR" && pwd)" ro
fi
inside /usr/bin/python3 -c 'from qgis.core import Qgis; import sys, numpy, osgeo;
print("QGIS", Qgis.QGIS_VERSION, "| Python", sys.version.split()[0], "| numpy", numpy.__version__, "| GDAL", osgeo.__version__)'
QP=$(inside sh -c 'command -v qgis_process.bin || command -v qgis_process')
if [ "${1:-}" = desktop ]; then  # bash scripts/test_ltr.sh desktop: the panel on QGIS 3.44 desktop under Xvfb
  SITE=$(inside "$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  rc=0
  # the check's other screenshots (Series, Download) stay in the build folder: docs/ keeps the 3.22 ones
  inside sh -c "cd '$REPO' && HOME=/root PYTHONPATH=$SITE LSTFUSION_DOCS_OUT=$REPO/build/desktop_344/docs \
    bash scripts/desktop_check.sh $REPO/build/desktop_344" || rc=$?
  [ -e "$REPO/build/desktop_344/dock.png" ] && cp "$REPO/build/desktop_344/dock.png" "$REPO/docs/qgis_344_panel.png"
  exit $rc
fi
say "ruff"
inside sh -c "cd '$REPO' && $VENV/bin/ruff check lst_fusion benchmarks scripts"
say "pytest"
mkdir -p "$ROOT/tmp/runtime-root"; chmod 700 "$ROOT/tmp/runtime-root"
rc=0  # a hung test ends the run too (LTR_TEST_TIMEOUT s, default 3600)
timeout --kill-after=30 "${LTR_TEST_TIMEOUT:-3600}" "${INSIDE[@]}" sh -c "cd '$REPO' && QT_QPA_PLATFORM=offscreen \
  XDG_RUNTIME_DIR=/tmp/runtime-root QGIS_PROCESS=$QP HOME=/root $VENV/bin/python -m pytest ${LTR_PYTEST_ARGS:-}" || rc=$?
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then say "FAILED: pytest did not finish within ${LTR_TEST_TIMEOUT:-3600} s"; fi
exit $rc
