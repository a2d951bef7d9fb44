#!/bin/sh
# test_build.sh — the build's promises (TAP):
#   configure names the Debian package when a library is missing;
#   `make install` installs mtt, libmtt, include/mtt/mtt.h and mtt.pc, and a
#   program built with `pkg-config mtt` links and runs against the library.
set -u
. "${top_srcdir:-.}/tests/tap.sh"
tap_init build
top_builddir=${top_builddir:-.}

# 1. every pkg-config lookup fails: configure stops at the first library,
#    naming the package to install
mkdir -p "$work/conf"
(cd "$work/conf" && PKG_CONFIG_LIBDIR="$work/none" timeout 300 "$top_srcdir/configure" \
    >out 2>err); c=$?
if [ $c -ne 0 ] && grep -q "install it with: apt-get install -y lib" "$work/conf/err"; then
    ok "configure names the Debian package of a missing library ($(grep -o 'apt-get install -y [a-z0-9-]*' "$work/conf/err" | head -n 1))"
else
    not_ok "configure names the missing package" "exit $c" "$(tail -n 2 "$work/conf/err")"
fi

# 2. make install into a staging root
root="$work/root"
if make -C "$top_builddir" install DESTDIR="$root" >"$work/install.log" 2>&1; then
    missing=""
    for f in bin/mtt include/mtt/mtt.h lib/pkgconfig/mtt.pc; do
        [ -n "$(find "$root" -path "*/$f" 2>/dev/null | head -n 1)" ] || missing="$missing $f"
    done
    [ -n "$(find "$root" -name 'libmtt.so*' 2>/dev/null | head -n 1)" ] || missing="$missing libmtt.so"
    if [ -z "$missing" ]; then ok "make install: mtt, libmtt, include/mtt/mtt.h, mtt.pc"
    else not_ok "make install" "missing:$missing"; fi
else
    not_ok "make install" "$(tail -n 3 "$work/install.log")"
fi

# 3. a client built through pkg-config against the staged install
pc=$(find "$root" -name mtt.pc | head -n 1)
cat > "$work/client.c" <<'C'
#include <stdio.h>
#include <mtt/mtt.h>
int main(void) { printf("%s\n", mtt_version()); return 0; }
C
if [ -n "$pc" ] && flags=$(PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR="$root" \
        pkg-config --cflags --libs mtt) \
   && ${CC:-cc} "$work/client.c" $flags -o "$work/client" 2>"$work/cc.err" \
   && libdir=$(dirname "$(find "$root" -name 'libmtt.so' | head -n 1)") \
   && [ "$(LD_LIBRARY_PATH="$libdir" "$work/client")" = "$("${MTT}" --version | sed -n '1s/^mtt \([^ ]*\).*/\1/p')" ]; then
    ok "a program built with pkg-config mtt links and runs"
else
    not_ok "client built with pkg-config mtt" "$(cat "$work/cc.err" 2>/dev/null)"
fi
tap_done
