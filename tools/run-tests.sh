#!/usr/bin/env bash
# Installs tox into .venv-tools and runs the style checks, the unit tests and the
# functional tests, then prints one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
tools_venv="$PWD/.venv-tools"
[ -x "$tools_venv/bin/tox" ] || {
    python3 -m venv "$tools_venv" && "$tools_venv/bin/pip" install --quiet tox
} || { echo "could not install tox"; exit 2; }

passed=0
failed=0
status=0
count() {
    local summary ok bad
    summary=$(".tox/$1/bin/stestr" last --suppress-attachments 2>/dev/null)
    ok=$(echo "$summary" | sed -n 's/^ - Passed: //p' | head -n1)
    bad=$(echo "$summary" | sed -n 's/^ - Failed: //p' | head -n1)
    passed=$((passed + ${ok:-0}))
    failed=$((failed + ${bad:-0}))
}

for env in pep8 mypy py3 functional; do
    echo "=== tox -e $env"
    if ! "$tools_venv/bin/tox" -e "$env"; then
        echo "=== tox -e $env FAILED"
        status=1
    fi
    case $env in py3|functional) count "$env" ;; esac
done
echo "$passed passed, $failed failed"
exit $status
