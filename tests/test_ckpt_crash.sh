#!/bin/sh
# test_ckpt_crash.sh — a writer killed (SIGKILL) after its .tmp is complete
# and flushed but before the rename (held there by the test-only
# MTT_TEST_CKPT_RENAME_DELAY_MS) leaves the previous checkpoint in place and
# valid; the next write replaces the stale .tmp.  One process (killing an
# mpiexec job with SIGKILL can leave ranks behind).
set -u
. "$top_srcdir/tests/tap.sh"
tap_init ckpt-crash
tool="$top_builddir/tests/ckpt_tool"
ckpt="$work/model.ckpt"
"$tool" write "$ckpt" 1 >/dev/null

MTT_TEST_CKPT_RENAME_DELAY_MS=60000 "$tool" write "$ckpt" 0 >/dev/null 2>&1 &
pid=$!
# wait (at most 60 s) until the .tmp is a complete checkpoint: the writer
# is then sleeping before the rename
i=0
while [ $i -lt 600 ] && [ "$("$tool" read "$ckpt.tmp" 2>/dev/null)" != ok ]; do
    sleep 0.1
    i=$((i + 1))
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
if [ $i -lt 600 ]; then ok "the writer was killed with a complete .tmp, before the rename"
else not_ok "the .tmp never became complete"; fi

line=$("$tool" check "$ckpt" 1)
if [ "$line" = ok ]; then ok "the previous checkpoint is still in place and valid"
else not_ok "previous checkpoint after the kill" "$line"; fi

line=$("$tool" write "$ckpt" 0)
if [ "$line" = ok ] && [ ! -e "$ckpt.tmp" ] && [ "$("$tool" check "$ckpt" 0)" = ok ]; then
    ok "the next write replaces the stale .tmp"
else not_ok "writing after the crash" "$line"; fi
tap_done
