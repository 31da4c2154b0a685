#!/usr/bin/env bash
# Installs wfplatform into .quickstart/, starts every service in one process on the
# embedded default (SQLite, in-process messaging, no auth), runs a sample workflow
# and prints its output. Set WFPLATFORM_PORT to use a port other than 8989.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD/.quickstart"
port="${WFPLATFORM_PORT:-8989}"
mkdir -p "$root"

if [ -f "$root/server.pid" ] && kill -0 "$(cat "$root/server.pid")" 2>/dev/null; then
    echo "Stopping the wfplatform-server started earlier (pid $(cat "$root/server.pid"))"
    kill "$(cat "$root/server.pid")"
    while kill -0 "$(cat "$root/server.pid")" 2>/dev/null; do sleep 0.2; done
fi

echo "Installing wfplatform into $root/venv ..."
python3 -m venv "$root/venv"
"$root/venv/bin/pip" install --quiet --upgrade pip
"$root/venv/bin/pip" install --quiet .

cat > "$root/wfplatform.conf" <<CONF
[DEFAULT]
transport_url = fake://
log_file = $root/wfplatform.log

[database]
connection = sqlite:///$root/wfplatform.sqlite

[api]
port = $port
CONF

"$root/venv/bin/wfplatform-db-manage" --config-file "$root/wfplatform.conf" upgrade head
"$root/venv/bin/wfplatform-server" --config-file "$root/wfplatform.conf" --server all \
    > "$root/server.out" 2>&1 &
echo $! > "$root/server.pid"

url="http://127.0.0.1:$port"
for _ in $(seq 100); do
    "$root/venv/bin/python" -c "import urllib.request; urllib.request.urlopen('$url/')" \
        > /dev/null 2>&1 && break
    if ! kill -0 "$(cat "$root/server.pid")" 2>/dev/null; then
        echo "wfplatform-server exited:"; cat "$root/server.out"; exit 1
    fi
    sleep 0.2
done

"$root/venv/bin/python" tools/samples/run_sample.py "$url/v2" tools/samples/hello.yaml \
    '{"name": "wfplatform"}'
cat <<DONE

wfplatform is running at $url (logs: $root/wfplatform.log).
Stop it with: kill \$(cat $root/server.pid)
DONE
