"""A real `pitwall serve` on loopback for the Python tests: a fresh data folder, the demo race."""

import json
import os
import re
import subprocess
import time
import urllib.error
import urllib.request

PITWALL = os.environ["PITWALL_BINARY"]
PUBLIC = os.environ["PITWALL_PUBLIC_DIR"]


class Server:
    def __init__(self, data_dir):
        self.proc = subprocess.Popen([PITWALL, "serve", "--port", "0", "--data", data_dir, "--workers", "1", "--public", PUBLIC, "--step-budget-ms", "2000"],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        text = ""
        deadline = time.time() + 90
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("the server exited while starting:\n" + text)
            text += line
            m = re.search(r"serving on (http://127\.0\.0\.1:[0-9]+) ", text)  # the space: the whole port has arrived
            if m:
                self.base = m.group(1)
                break
        else:
            raise RuntimeError("the server did not start:\n" + text)
        self.token = None

    def call(self, method, path, body=None, content_type="application/json"):
        data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", content_type)
        if self.token:
            req.add_header("Authorization", "Bearer " + self.token)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                raw = r.read()
                return r.status, (json.loads(raw) if r.headers.get_content_type().endswith("json") else raw)
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.proc.stdout.close()
