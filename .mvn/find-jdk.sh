# Sourced by ./mvnw, ./weft and .ci/run (POSIX sh). Points JAVA_HOME at a JDK 25 or stops with a
# one-line message. Order: $WEFT_JAVA_HOME, $JAVA_HOME, the JDK on PATH, then the usual install
# folders. A JDK other than 25 is passed over, never used.
weft_jdk_feature() {
  # prints the feature release (25 for "25.0.1") of the JDK at $1, or nothing; reads the release
  # file with the shell alone, since ./weft sources this on every start
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] && [ -r "$1/release" ] || return 0
  while IFS= read -r weft_line || [ -n "$weft_line" ]; do
    case $weft_line in
      JAVA_VERSION=\"*)
        weft_line=${weft_line#JAVA_VERSION=\"}
        printf %s "${weft_line%%[!0-9]*}"
        return 0
        ;;
    esac
  done <"$1/release"
}

weft_find_jdk() {
  for candidate in "${WEFT_JAVA_HOME-}" "${JAVA_HOME-}"; do
    if [ -n "$candidate" ] && [ "$(weft_jdk_feature "$candidate")" = 25 ]; then
      printf %s "$candidate"
      return 0
    fi
  done
  on_path=$(command -v javac 2>/dev/null || true)
  if [ -n "$on_path" ]; then
    on_path=$(dirname "$(dirname "$(readlink -f "$on_path")")")
    if [ "$(weft_jdk_feature "$on_path")" = 25 ]; then
      printf %s "$on_path"
      return 0
    fi
  fi
  for candidate in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
    "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    if [ -d "$candidate" ] && [ "$(weft_jdk_feature "$candidate")" = 25 ]; then
      printf %s "$candidate"
      return 0
    fi
  done
  return 1
}

# The folder patterns above need globbing, which the Maven wrapper turns off (set -f); the
# command substitution runs in a subshell, so turning it back on there leaves the caller's setting.
if weft_jdk_home=$(set +f; weft_find_jdk); then
  JAVA_HOME=$weft_jdk_home
  export JAVA_HOME
  unset weft_jdk_home
else
  echo "weft needs JDK 25: none found in WEFT_JAVA_HOME, JAVA_HOME, PATH or /usr/lib/jvm; install one and set JAVA_HOME to it" >&2
  exit 1
fi
