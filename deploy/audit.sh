#!/usr/bin/env bash
# `make audit`: known vulnerabilities in the locked Python requirements (pip-audit, PyPI's
# advisory data) and in package-lock.json (npm audit). Exit 0: none found; 1: vulnerabilities
# found (listed above); 2: an advisory service could not be reached, so nothing is known.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
status=0

echo "== Python packages (requirements-dev.lock, which includes requirements.lock)"
out=$("$VENV/bin/pip-audit" --requirement requirements-dev.lock --require-hashes --disable-pip --progress-spinner off 2>&1)
rc=$?
echo "$out"
total=$(grep -cE '^[A-Za-z0-9._-]+==' requirements-dev.lock)
skipped=$(echo "$out" | grep -c "could not be audited" || true)
if [ $rc -ne 0 ] && ! echo "$out" | grep -qE "^Found [0-9]+ known vulnerabilit"; then
  echo "pip-audit: the advisory service could not be reached: the Python packages were NOT checked." >&2
  status=2
elif [ $rc -ne 0 ]; then
  status=1
fi
if [ "$skipped" -gt 0 ]; then
  # pip-audit says "No known vulnerabilities found" even when it could look nothing up.
  echo "pip-audit: $skipped of $total packages could NOT be checked (the advisory service did not answer for them): this is not a clean result." >&2
  [ $status -eq 0 ] && status=2
fi

echo "== npm packages (package-lock.json)"
out=$(npm audit --package-lock-only --audit-level=low 2>&1)
rc=$?
echo "$out"
if [ $rc -ne 0 ]; then
  if echo "$out" | grep -qiE "ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|audit endpoint returned an error|network|request to .* failed"; then
    echo "npm audit: the advisory service could not be reached: the npm packages were NOT checked." >&2
    [ $status -eq 0 ] && status=2
  else
    status=1
  fi
fi

case $status in
  0) echo "make audit: no known vulnerabilities." ;;
  1) echo "make audit: known vulnerabilities found (above)." >&2 ;;
  2) echo "make audit: an advisory service was unreachable; run again when it answers." >&2 ;;
esac
exit $status
