#!/usr/bin/env python3
"""progress_pty.py — run a command on a pseudo-terminal and report what a
terminal would have shown (tests/test_progress_cli.sh).

    progress_pty.py RAW SCREEN command args...

Writes the raw bytes the command printed to RAW and the final screen (each
line after carriage returns and clear-line sequences took effect) to
SCREEN; exits with the command's exit code.  Standard library only.
"""
import os
import pty
import subprocess
import sys


def screen_lines(raw):
    """Apply \\r and ESC[K the way a terminal does; other bytes are text."""
    lines = []
    for chunk in raw.replace(b"\r\n", b"\n").split(b"\n"):
        cells = bytearray()
        col = 0
        i = 0
        while i < len(chunk):
            if chunk[i] == 0x0D:  # carriage return
                col = 0
                i += 1
            elif chunk.startswith(b"\x1b[K", i):  # clear to the end of the line
                del cells[col:]
                i += 3
            else:
                if col < len(cells):
                    cells[col] = chunk[i]
                else:
                    cells.append(chunk[i])
                col += 1
                i += 1
        lines.append(cells.decode("utf-8", "replace"))
    return lines


def main():
    raw_path, screen_path, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
    master, slave = pty.openpty()
    proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    raw = b""
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the other end closed
            break
        if not data:
            break
        raw += data
    code = proc.wait()
    os.close(master)
    with open(raw_path, "wb") as f:
        f.write(raw)
    with open(screen_path, "w") as f:
        f.write("\n".join(screen_lines(raw)))
    return code


if __name__ == "__main__":
    sys.exit(main())
