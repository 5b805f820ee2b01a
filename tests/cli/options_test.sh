#!/usr/bin/env bash
# Each command takes its own options: a flag another command takes, or none does,
# is a usage error (exit 2) naming the flag and the command; --help lists them.
source "$(dirname "$0")/lib.sh"

# command, a flag it does not take (each taken by some other command)
while read -r cmd flag extra; do
  expect_exit 2 "$cmd $flag is a usage error" -- "$BIN" $cmd "$FEAT" $extra $flag
  if grep -q -- "$cmd does not take ${flag%%=*}" "$TMP/err"; then ok "$cmd $flag: the message names the flag and the command"
  else bad "$cmd $flag message: $(head -c 300 "$TMP/err")"; fi
done <<'LIST'
inspect --layer=1
inspect --platform=linux/amd64
images --verify
images --layer=0
history --verify
history -q
ls --verify
ls --no-trunc
cat --json /etc/app/config.ini
cat --merged /etc/app/config.ini
log --layer=1 /etc/app/config.ini
log -a /etc/app/config.ini
LIST
expect_exit 2 "an option no command takes" -- "$BIN" images "$FEAT" --frobnicate
grep -q -- "--frobnicate" "$TMP/err" && ok "unknown option named" || bad "unknown option message: $(cat "$TMP/err")"
expect_exit 2 "a flag given a value" -- "$BIN" images "$FEAT" --json=yes
expect_exit 2 "an option missing its value" -- "$BIN" images "$FEAT" --platform
# Options are checked before the archive is opened.
expect_exit 2 "a foreign flag with a missing archive is still a usage error" -- "$BIN" images "$TMP/none.tar" --verify

for cmd in inspect images history ls cat log; do
  "$BIN" "$cmd" --help >"$TMP/help" 2>&1; rc=$?
  if [ "$rc" -eq 0 ] && head -1 "$TMP/help" | grep -q "^usage: layerscope $cmd " && grep -q -- "--limit" "$TMP/help"; then
    ok "$cmd --help: its usage and options (exit 0)"
  else bad "$cmd --help (exit $rc): $(head -c 300 "$TMP/help")"; fi
done
grep -q -- "--all" <("$BIN" images --help) && ok "images --help lists -a/--all" || bad "images --help lacks --all"
grep -q -- "--json" <("$BIN" history --help) && ok "history --help lists --json" || bad "history --help lacks --json"
"$BIN" help ls | head -1 | grep -q "^usage: layerscope ls " && ok "help ls" || bad "help ls"
# Common options before the command still work.
expect_exit 0 "--limit before the command" -- "$BIN" --limit entries=1M inspect "$FEAT"
expect_exit 0 "--progress with ls" -- "$BIN" ls "$FEAT" --progress

finish
