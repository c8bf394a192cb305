#!/bin/sh
# Smoke test of the built bundle (installer/build.sh first):
#   1. `clinic-crm --version` and `clinic-crm --help` (every subcommand found when frozen);
#   2. the program under Xvfb on the xcb platform, on the embedded default, with a
#      temporary HOME and data directory: a cold start (initdb, migrations, the demo
#      clinic) and a warm one, each timed to the login dialog ("login dialog shown" in
#      the log, written by crm/views/login.py), with a screenshot of the first;
#   3. on SIGTERM the program quits and stops its PostgreSQL (no postmaster.pid left).
# Needs Xvfb (apt-get install -y xvfb) and, for the screenshot, ImageMagick's `import`.
set -eu
cd "$(dirname "$0")/.."
BUNDLE=${1:-installer/dist/registratura}
APP="$BUNDLE/clinic-crm"
[ -x "$APP" ] || { echo "no bundle at $BUNDLE: run installer/build.sh" >&2; exit 1; }
command -v Xvfb >/dev/null || { echo "Xvfb is missing: apt-get install -y xvfb" >&2; exit 1; }
# Qt's xcb plugin (in the bundle) needs these system libraries; say so before Qt does.
for lib in libxcb-cursor.so.0 libxcb-icccm.so.4 libxcb-keysyms.so.1 libxkbcommon-x11.so.0; do
    ldconfig -p | grep -q "$lib" || {
        echo "FAIL: the system lacks $lib, which Qt's xcb plugin needs:" \
             "apt-get install -y libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0" >&2
        exit 1
    }
done
TIMEOUT=${SMOKE_TIMEOUT:-120}

version=$("$APP" --version)
case "$version" in "clinic-crm, version "*) echo "ok: $version" ;;
    *) echo "FAIL: --version printed: $version" >&2; exit 1 ;; esac
"$APP" --help | grep -q "^  db " || { echo "FAIL: --help lists no db command" >&2; exit 1; }
echo "ok: --help lists the subcommands"

WORK=$(mktemp -d /tmp/crm-smoke.XXXXXX)
chmod 755 "$WORK"  # under root the embedded server runs as its own user: it must get in
XVFB_PID=""
APP_PID=""
cleanup() {
    # The program first, while its display is still there: it then stops its PostgreSQL.
    if [ -n "$APP_PID" ]; then kill -TERM "$APP_PID" 2>/dev/null || true; wait "$APP_PID" || true; fi
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

DISPLAY_NUMBER=$(( 90 + $$ % 100 ))
Xvfb ":$DISPLAY_NUMBER" -screen 0 1280x800x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
i=0
until [ -e "/tmp/.X11-unix/X$DISPLAY_NUMBER" ]; do
    i=$((i + 1)); [ "$i" -gt 100 ] && { echo "FAIL: Xvfb did not start" >&2; exit 1; }
    sleep 0.1
done

now() { date +%s.%N; }

# start_once NAME: run the program until the login dialog shows; SECONDS_TAKEN says how long.
# (Not in a $(…) subshell: APP_PID must stay with this shell, to stop the program.)
start_once() {
    log="$WORK/$1.log"
    begin=$(now)
    env HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" \
        XDG_DATA_HOME="$WORK/home/.local/share" XDG_RUNTIME_DIR="$WORK" \
        CRM_DEBUG=1 DISPLAY=":$DISPLAY_NUMBER" QT_QPA_PLATFORM=xcb \
        "$APP" >"$log" 2>&1 &
    APP_PID=$!
    waited=0
    until grep -q "login dialog shown" "$log"; do
        if ! kill -0 "$APP_PID" 2>/dev/null; then
            echo "FAIL: the program exited before the login dialog:" >&2; tail -20 "$log" >&2; exit 1
        fi
        waited=$((waited + 1))
        [ "$waited" -gt $((TIMEOUT * 10)) ] && { echo "FAIL: no login dialog in ${TIMEOUT}s" >&2; tail -20 "$log" >&2; exit 1; }
        sleep 0.1
    done
    end=$(now)
    SECONDS_TAKEN=$(awk "BEGIN { printf \"%.1f\", $end - $begin }")
}

stop_app() {
    kill -TERM "$APP_PID"
    wait "$APP_PID" || true
    APP_PID=""
    pgdata=$(find "$WORK/home" -type d -name pgdata | head -n 1)
    [ -n "$pgdata" ] || { echo "FAIL: no embedded data directory under the temporary HOME" >&2; exit 1; }
    if [ -e "$pgdata/postmaster.pid" ]; then
        echo "FAIL: the embedded PostgreSQL is still running after quit" >&2; exit 1
    fi
}

mkdir -p "$WORK/home"
start_once cold
cold=$SECONDS_TAKEN
echo "ok: login dialog after ${cold} s (first start: initdb, migrations, demo clinic)"
sleep 1  # let the window paint before the screenshot
if command -v import >/dev/null; then
    mkdir -p installer/build
    DISPLAY=":$DISPLAY_NUMBER" import -window root installer/build/smoke-login.png
    echo "ok: screenshot installer/build/smoke-login.png"
fi
stop_app
start_once warm
warm=$SECONDS_TAKEN
echo "ok: login dialog after ${warm} s (later start)"
stop_app
echo "ok: the program quit and stopped its PostgreSQL"
echo "bundle: $(du -sh "$BUNDLE" | cut -f1), cold start ${cold} s, warm start ${warm} s"
