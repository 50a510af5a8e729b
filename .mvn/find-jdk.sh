# Finds a JDK 25 or newer for ./mvnw and ./cove (POSIX sh, sourced by both, so they agree).
# Maven itself needs it: .mvn/jvm.config passes flags that older JVMs refuse to start with.
#
# cove_find_jdk prints the JDK's home and succeeds, or prints one sentence naming the JDK it
# needs and where it looked on stderr and fails. It tries, in order: JAVA_HOME, the usual
# install folders (COVE_JDK_DIRS, colon-separated, replaces them, for tests), and `java` on PATH;
# a candidate counts only with both bin/java and bin/javac (Maven compiles) and version >= 25.

cove_java_major() { # the feature version of the JDK at home $1, or nothing
  if [ -r "$1/release" ]; then
    # The release file says it without starting a JVM (a quarter of a second saved per run).
    _cove_v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" | head -n 1)"
    if [ -n "$_cove_v" ]; then echo "$_cove_v"; return 0; fi
  fi
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

cove_jdk_ok() { # whether $1 is the home of a JDK 25 or newer
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  _cove_v="$(cove_java_major "$1")"
  [ -n "$_cove_v" ] && [ "$_cove_v" -ge 25 ]
}

cove_find_jdk() {
  _cove_looked=""
  if [ -n "${JAVA_HOME:-}" ]; then
    if cove_jdk_ok "$JAVA_HOME"; then echo "$JAVA_HOME"; return 0; fi
    _cove_looked="JAVA_HOME ($JAVA_HOME), "
  fi
  _cove_dirs="${COVE_JDK_DIRS-/usr/lib/jvm:/usr/java:/opt/java:/Library/Java/JavaVirtualMachines:${HOME:-/nonexistent}/.sdkman/candidates/java:${HOME:-/nonexistent}/.jdks}"
  _cove_found=""
  _cove_glob_off=""
  case $- in *f*) _cove_glob_off=1; set +f ;; esac # mvnw runs with globbing off
  _cove_ifs="$IFS"; IFS=:
  for _cove_dir in $_cove_dirs; do
    IFS="$_cove_ifs"
    # Newest-looking names first (sort -r puts temurin-25 before java-17), then macOS bundles.
    for _cove_home in $(ls -d "$_cove_dir"/*/ "$_cove_dir"/*/Contents/Home/ 2>/dev/null | sort -r); do
      _cove_home="${_cove_home%/}"
      if [ -z "$_cove_found" ] && cove_jdk_ok "$_cove_home"; then _cove_found="$_cove_home"; fi
    done
    IFS=:
  done
  IFS="$_cove_ifs"
  [ -n "$_cove_glob_off" ] && set -f
  if [ -n "$_cove_found" ]; then echo "$_cove_found"; return 0; fi
  _cove_java="$(command -v java 2>/dev/null || true)"
  if [ -n "$_cove_java" ]; then
    # /usr/bin/java is usually a chain of links into the JDK's bin folder.
    _cove_real="$(readlink -f "$_cove_java" 2>/dev/null || echo "$_cove_java")"
    _cove_home="$(dirname "$(dirname "$_cove_real")")"
    if cove_jdk_ok "$_cove_home"; then echo "$_cove_home"; return 0; fi
    _cove_looked="${_cove_looked}java on PATH ($_cove_java, Java $(cove_java_major "$_cove_home")), "
  fi
  echo "Cove needs a JDK 25 or newer (e.g. Temurin 25) and found none: it looked at ${_cove_looked}and in $(echo "$_cove_dirs" | sed 's/:/, /g'); install one there or set JAVA_HOME to it." >&2
  return 1
}
