#!/usr/bin/env bash
# SoftHSM2 for Cove's PKCS#11 tests.
#
#   setup.sh --install   install Debian's softhsm2 package when it is missing (as root, with
#                        apt-get); does nothing when it is there. .ci/run calls this.
#   setup.sh DIR         initialise, once, a token labelled "cove-test" (user PIN 1234) whose
#                        files live in DIR, not in the system's token directory; prints the
#                        environment a PKCS#11 user needs (also written to DIR/env):
#                        SOFTHSM2_CONF, COVE_PKCS11_LIBRARY, COVE_PKCS11_SLOT, COVE_PKCS11_PIN.
#                        Running it again on the same DIR reuses the token.
# Exit status 3 means SoftHSM2 is not installed (tests skip themselves then).
set -euo pipefail

LABEL=cove-test
PIN=1234
SO_PIN=12345678

find_lib() {
  for p in /usr/lib/softhsm/libsofthsm2.so \
           /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so \
           /usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so \
           /usr/local/lib/softhsm/libsofthsm2.so; do
    if [ -f "$p" ]; then echo "$p"; return 0; fi
  done
  return 1
}

if [ "${1:-}" = "--install" ]; then
  if command -v softhsm2-util >/dev/null 2>&1 && find_lib >/dev/null; then
    echo "softhsm2: already installed"
    exit 0
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq softhsm2 >/dev/null
    echo "softhsm2: installed"
  else
    echo "softhsm2: not installed and cannot install it here (needs root and apt-get); PKCS#11 tests will be skipped" >&2
  fi
  exit 0
fi

DIR=${1:?usage: setup.sh --install | setup.sh DIR}
LIB=$(find_lib) || { echo "SoftHSM2 is not installed (apt-get install softhsm2)" >&2; exit 3; }
command -v softhsm2-util >/dev/null 2>&1 || { echo "softhsm2-util is missing" >&2; exit 3; }

mkdir -p "$DIR/tokens"
DIR=$(cd "$DIR" && pwd)
CONF="$DIR/softhsm2.conf"
cat > "$CONF" <<CONF
directories.tokendir = $DIR/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
CONF
export SOFTHSM2_CONF="$CONF"

slot_of() {
  softhsm2-util --show-slots 2>/dev/null | awk -v l="$LABEL" '/^Slot /{s=$2} /Label:/{ if ($2 == l) { print s; exit } }'
}

SLOT=$(slot_of)
if [ -z "$SLOT" ]; then
  softhsm2-util --init-token --free --label "$LABEL" --pin "$PIN" --so-pin "$SO_PIN" >/dev/null
  SLOT=$(slot_of)
fi
[ -n "$SLOT" ] || { echo "could not find the initialised token" >&2; exit 1; }

{
  echo "SOFTHSM2_CONF=$CONF"
  echo "COVE_PKCS11_LIBRARY=$LIB"
  echo "COVE_PKCS11_SLOT=$SLOT"
  echo "COVE_PKCS11_PIN=$PIN"
} | tee "$DIR/env"
