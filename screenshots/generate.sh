#!/usr/bin/env bash
# Regenerates the console screenshots in screenshots/ (NAME.ansi + NAME.png).
#
#   bash screenshots/generate.sh
#
# Builds mdlr, runs it on the built-in simulated tenant (DEMO) in a detached,
# private tmux server at a fixed 120x34, drives it with send-keys as a person
# would, captures each screen with `tmux capture-pane -N -e -p` (-N keeps
# trailing spaces: without it highlighted rows and bars lose their colour
# after the last character) and renders it to PNG with aha + headless
# Chromium (tooling notes, "Screenshots to PNG, offline and reproducible").
# Every wait polls the screen for an expected text, with a deadline.
#
# Environment knobs: COLS/ROWS (default 120x34), MDLR_DEMO_TIME_SCALE
# (default 4: slow enough that a running command is on screen for a few
# seconds), KEEP_WORK=1 keeps the temporary directory for debugging,
# MDLR_BIN=path uses that binary instead of building one,
# RENDER_ONLY=1 only turns the existing *.ansi captures into PNGs again.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
OUT=$HERE
COLS=${COLS:-120}
ROWS=${ROWS:-34}
SCALE=${MDLR_DEMO_TIME_SCALE:-4}
START=$(date +%s)

log() { printf '[%3ds] %s\n' "$(($(date +%s) - START))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --- 1. tools -------------------------------------------------------------
if ! command -v aha >/dev/null || ! command -v chromium >/dev/null; then
  log "installing aha and chromium"
  SUDO=
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends aha chromium
fi
for t in tmux go aha chromium; do
  command -v "$t" >/dev/null || die "$t is required"
done

# --- 2. build into a fresh temp dir -------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mdlr-shots.XXXXXX")
SOCK="mdlr-shots-$$" # private tmux server: no user config, no clash
S=shots
cleanup() {
  tmux -L "$SOCK" kill-server 2>/dev/null || true
  rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK" # kill-server leaves it
  if [ "${KEEP_WORK:-}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

SHOTS=()
if [ "${RENDER_ONLY:-}" = 1 ]; then # re-render the existing captures only
  for f in "$OUT"/*.ansi; do SHOTS+=("$(basename "$f" .ansi)"); done
else

if [ -n "${MDLR_BIN:-}" ]; then # a binary built elsewhere
  cp "$MDLR_BIN" "$WORK/mdlr"
else
  log "building mdlr"
  (cd "$ROOT" && go build -o "$WORK/mdlr" .)
fi

# --- 3. run it in a detached tmux, state isolated in $WORK ---------------
mkdir -p "$WORK"/{home,config,state,cache,data,run}
# env -i: no AZURE_*/MDLR_* from the caller can point the console at a real
# tenant or at someone's journal; --demo makes the simulated tenant explicit.
# The console runs in $WORK/run, where it saves collected files.
cat >"$WORK/launch.sh" <<EOF
#!/bin/sh
cd "$WORK/run"
env -i PATH="\$PATH" TERM="\${TERM:-screen}" LANG=C.UTF-8 TZ=UTC \\
  HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state" \\
  XDG_CACHE_HOME="$WORK/cache" XDG_DATA_HOME="$WORK/data" \\
  MDLR_STATE_DIR="$WORK/state/mdlr" MDLR_DEMO_TIME_SCALE="$SCALE" \\
  "$WORK/mdlr" --demo
echo "mdlr exited with status \$?"
sleep 600
EOF
chmod +x "$WORK/launch.sh"

t() { LANG=C.UTF-8 tmux -u -L "$SOCK" "$@"; }
t -f /dev/null new-session -d -s "$S" -x "$COLS" -y "$ROWS" "$WORK/launch.sh"
t set -s escape-time 0
t set -g status off
t resize-window -t "$S" -x "$COLS" -y "$ROWS" 2>/dev/null || true

# --- helpers --------------------------------------------------------------
keys() { t send-keys -t "$S" "$@"; }     # named keys: Enter Escape C-g …
text() { t send-keys -t "$S" -l -- "$1"; } # literal text (may start with '-')
screen() { t capture-pane -p -t "$S"; }

# wait_for REGEX [SECONDS]: poll the screen until an extended regex matches.
wait_for() {
  local re=$1 deadline=$(($(date +%s%N) / 1000000 + ${2:-10} * 1000))
  while (($(date +%s%N) / 1000000 < deadline)); do
    screen | grep -Eq -- "$re" && return 0
    sleep 0.1
  done
  screen >&2
  die "timed out waiting for /$re/ (screen above)"
}
# wait_gone REGEX [SECONDS]: poll until the regex no longer matches.
wait_gone() {
  local re=$1 deadline=$(($(date +%s%N) / 1000000 + ${2:-10} * 1000))
  while (($(date +%s%N) / 1000000 < deadline)); do
    screen | grep -Eq -- "$re" || return 0
    sleep 0.1
  done
  screen >&2
  die "timed out waiting for /$re/ to go away (screen above)"
}
# settle: wait until two captures 200 ms apart are identical (at most 3 s),
# so a half-drawn frame is never captured.
settle() {
  local a b i
  a=$(t capture-pane -e -p -t "$S")
  for i in $(seq 15); do
    sleep 0.2
    b=$(t capture-pane -e -p -t "$S")
    [ "$a" = "$b" ] && return 0
    a=$b
  done
}
shot() { # shot NAME: capture the current screen to NAME.ansi
  settle
  t capture-pane -N -e -p -t "$S" >"$OUT/$1.ansi"
  SHOTS+=("$1")
  log "captured $1"
}
# shot_while NAME REGEX: capture at once (no settle: a spinner is turning),
# retrying until the coloured capture itself matches REGEX.
shot_while() {
  local i
  for i in $(seq 50); do
    t capture-pane -N -e -p -t "$S" >"$OUT/$1.ansi"
    if grep -Eq -- "$2" "$OUT/$1.ansi"; then
      SHOTS+=("$1")
      log "captured $1"
      return 0
    fi
    sleep 0.1
  done
  die "screen $1 never matched /$2/"
}
# select_row REGEX: press j (one at a time, waiting for each move to show)
# until the screen matches, e.g. the cursor row ('>' marker) on an item.
select_row() {
  local i k before
  for i in $(seq 40); do
    screen | grep -Eq -- "$1" && return 0
    before=$(screen)
    keys j
    for k in $(seq 50); do
      [ "$(screen)" != "$before" ] && break
      sleep 0.05
    done
  done
  die "could not put the cursor on /$1/"
}

# --- 4. drive the console -----------------------------------------------
wait_for '^mdlr › Devices' 20
wait_for '[0-9]+ of [0-9]+ devices'
shot devices

keys /
text win-ana
wait_for '^/win-ana'
wait_for 'win-analyst-01\.contoso\.local'
shot devices-filter

keys Enter # leave the filter input, keep the filter
wait_for 'filter: win-ana'
select_row '^> .*win-analyst-01\.contoso\.local'
keys d
wait_for '│win-analyst-01\.contoso\.local +id '
shot devices-detail

keys Enter
wait_for '^Compose for win-analyst-01\.contoso\.local'
select_row '│>collect-triage\.ps1'
keys r
wait_for 'Args for collect-triage\.ps1'
text '-OutPath C:\Windows\Temp\triage.zip'
wait_for 'Args for collect-triage\.ps1: *-OutPath C:\\Windows\\Temp\\triage\.zip'
keys Enter
wait_for '1\. RunScript collect-triage\.ps1'
keys f
wait_for 'GetFile path:'
text 'C:\Windows\Temp\triage.zip'
wait_for 'GetFile path: *C:\\Windows\\Temp\\triage\.zip'
keys Enter
wait_for '2\. GetFile +C:\\Windows\\Temp\\triage\.zip'
keys c
wait_for '^Comment: +why'
text 'IR-1234 triage'
keys Enter
wait_for '^Comment: IR-1234 triage'
shot compose
keys '?'
wait_for 'Compose keys|Plan keys|Library keys'
shot help-compose
keys '?'
wait_gone 'Compose keys|Plan keys|Library keys'

keys v
wait_for 'Request body POST '
shot compose-preview
keys Escape
wait_gone 'Request body POST '

keys C-g
wait_for 'Send this live response action\?'
shot confirm

keys y
wait_for '^mdlr › Progress'
wait_for '1 +RunScript .* running' 30
shot_while progress 'running'

wait_for '^finished' 60
wait_for 'saved .*triage\.zip'
shot progress-done
# the "action Succeeded" notice stays in the status bar for a few seconds;
# let it go so the next screens show the normal bar
wait_gone ': action Succeeded' 30

select_row '^> 1 +RunScript'
keys Enter
wait_for '^mdlr › Results'
wait_for 'exit code'
shot results

keys 2
wait_for '^mdlr › Actions'
wait_for 'IR-1234 triage'
shot actions

keys '?'
wait_for 'Actions keys'
shot help
keys '?'
wait_gone 'Actions keys'

keys 1
wait_for '^mdlr › Devices'
# clear the win-ana filter: open the filter input, esc empties it. One key
# per step: an esc followed at once by another key can read as alt+key.
keys /
wait_for '^/'
keys Escape
wait_for '^sort: '
keys /
wait_for '^/'
text hostile
wait_for '^/hostile'
keys Enter
wait_for 'filter: hostile'
select_row '^> .*win-hostile-66\.contoso\.local'
screen | grep -q 'first seen' || keys d
wait_for '│win-hostile-66\.contoso\.local +id '
shot hostile

keys q
wait_for 'mdlr exited with status'
screen | grep -q 'mdlr exited with status 0' || { screen >&2; die "mdlr did not exit cleanly"; }

fi # RENDER_ONLY

# --- 5. ANSI -> HTML -> PNG ---------------------------------------------
# aha (ANSI -> HTML) + headless Chromium, as in the tooling notes. The
# capture first goes through sgr-normalize.pl, because aha 0.5.1 loses
# reverse video on default colours (selected rows), inverts SGR 27 and
# greys out bright white (see the comment in that file).
W=$(awk -v c="$COLS" 'BEGIN { printf "%d", c * 8.43 + 21 }')
H=$(awk -v r="$ROWS" 'BEGIN { printf "%d", r * 17 + 20 }')
render() { # render NAME: $OUT/NAME.ansi -> $OUT/NAME.png
  local name=$1 page="$WORK/$1.html"
  {
    printf '<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
    printf 'html,body{margin:0;background:#1a1a1a;color:#dddddd}'
    printf "pre{margin:0;padding:10px;font-family:'DejaVu Sans Mono',monospace;font-size:14px;line-height:17px}"
    printf '</style></head><body><pre>'
    perl "$HERE/sgr-normalize.pl" <"$OUT/$name.ansi" | aha --no-header
    printf '</pre></body></html>'
  } >"$page"
  rm -f "$OUT/$name.png"
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$WORK/chromium-$name" --window-size="$W,$H" \
    --screenshot="$OUT/$name.png" "file://$page" >"$WORK/chromium-$name.log" 2>&1 ||
    { cat "$WORK/chromium-$name.log" >&2; return 1; }
  [ -s "$OUT/$name.png" ] || { echo "no PNG for $name" >&2; return 1; }
}
pids=()
for name in "${SHOTS[@]}"; do # a few Chromiums at a time
  render "$name" & pids+=($!)
  if ((${#pids[@]} >= 4)); then wait "${pids[0]}" || die "rendering failed"; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p" || die "rendering failed"; done
log "rendered ${#SHOTS[@]} PNGs"

log "done: ${#SHOTS[@]} screens in $OUT"
