#!/usr/bin/env python3
"""http_server.py -- local HTTP servers for the remote-export tests.

    http_server.py ROOT PORTFILE LOGFILE

Serves two servers on 127.0.0.1 (random free ports, written to PORTFILE as
"MAIN OTHER" once both listen).  MAIN answers:
  /files/NAME                       the file ROOT/NAME
  /ORG/REPO/resolve/REV/NAME        ROOT/REV/NAME (Hugging Face layout)
  /private/NAME                     ROOT/NAME, only with "Authorization: Bearer sekrit"
                                    (401 without any, 403 with another token)
  /redirect/NAME                    302 to OTHER's /files/NAME (another host:port)
  /status/CODE                      that HTTP status
  /stall                            headers, then nothing for 120 s
  /html                             an HTML page
OTHER serves /files/NAME.  Every request's path and Authorization header
(or "-") is appended to LOGFILE as "PORT PATH AUTH".  Stop it with SIGTERM.
"""
import http.server
import os
import sys
import threading
import time

root, portfile, logfile = sys.argv[1:4]
lock = threading.Lock()
ports = {}


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def record(self):
        with lock, open(logfile, "a") as f:
            f.write("%d %s %s\n" % (self.server.server_port, self.path,
                                    self.headers.get("Authorization", "-")))

    def send_file(self, rel):
        path = os.path.join(root, rel)
        if ".." in rel or not os.path.isfile(path):
            return self.send_error(404)
        with open(path, "rb") as f:
            data = f.read()
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.record()
        p = self.path
        other = self.server.server_port == ports.get("other")
        if p.startswith("/files/"):
            return self.send_file(p[len("/files/"):])
        if other:
            return self.send_error(404)
        parts = p.strip("/").split("/")
        if len(parts) == 5 and parts[2] == "resolve":
            return self.send_file(os.path.join(parts[3], parts[4]))
        if p.startswith("/private/"):
            auth = self.headers.get("Authorization")
            if auth is None:
                return self.send_error(401)
            if auth != "Bearer sekrit":
                return self.send_error(403)
            return self.send_file(p[len("/private/"):])
        if p.startswith("/redirect/"):
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:%d/files/%s"
                             % (ports["other"], p[len("/redirect/"):]))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if p.startswith("/status/"):
            return self.send_error(int(p[len("/status/"):]))
        if p == "/stall":
            self.send_response(200)
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            self.wfile.write(b"x")
            self.wfile.flush()
            time.sleep(120)
            return
        if p == "/html":
            body = b"<html><body>Sign in to continue</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_error(404)


servers = []
for name in ("main", "other"):
    s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    s.daemon_threads = True
    ports[name] = s.server_port
    servers.append(s)
    threading.Thread(target=s.serve_forever, daemon=True).start()
with open(portfile + ".tmp", "w") as f:
    f.write("%d %d\n" % (ports["main"], ports["other"]))
os.rename(portfile + ".tmp", portfile)
try:
    while True:
        time.sleep(3600)
except KeyboardInterrupt:
    pass
