#!/bin/sh
# Mosquitto for docker-compose, reloaded when the gateway rewrites passwd or acl. The gateway,
# in another container, cannot signal the broker, so this watches the shared files (every
# 2 s) and sends the SIGHUP that makes Mosquitto reread them.
set -eu
conf="${MOSQUITTO_CONF:-/mosquitto/config/mosquitto.conf}"
auth="${MOSQUITTO_AUTH_DIR:-/mosquitto/auth}"
stamp() { cat "$auth/passwd" "$auth/acl" 2>/dev/null | cksum; }

mosquitto -c "$conf" &
broker=$!
trap 'kill -TERM "$broker" 2>/dev/null || true' TERM INT
last="$(stamp)"
while kill -0 "$broker" 2>/dev/null; do
    sleep 2 &
    wait $! || true
    now="$(stamp)"
    if [ "$now" != "$last" ]; then
        kill -HUP "$broker" 2>/dev/null || true
        last="$now"
    fi
done
wait "$broker"
