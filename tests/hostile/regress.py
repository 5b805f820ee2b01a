"""Shared runner of the tests/hostile/regression_*.py tests.

Each regression test guards one fix named in its docstring: it builds the
archives it needs with make_corpus.py's helpers (independent of layerscope's
code) in a temporary directory, runs the CLI and checks. Usage of every test:
    regression_<what>.py --cli path/to/layerscope
Prints one line per check and closes with 'N passed, M failed'.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_corpus as mc  # noqa: E402,F401  (re-exported for the tests)


class T:
    def __init__(self, cli, tmp):
        self.cli, self.tmp = cli, tmp
        self.passed = self.failed = 0

    def check(self, name, cond, detail=""):
        if cond:
            self.passed += 1
            print(f"ok   {name}")
        else:
            self.failed += 1
            print(f"FAIL {name} {str(detail)[:1500]}")
        return cond

    def write(self, name, data):
        p = os.path.join(self.tmp, name)
        with open(p, "wb") as f:
            f.write(data)
        return p

    def run(self, *args, timeout=60):
        t0 = time.monotonic()
        p = subprocess.run([self.cli, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                           cwd=self.tmp)
        self.secs = time.monotonic() - t0
        return p.returncode, p.stdout, p.stderr.decode("utf-8", "backslashreplace")

    def inspect(self, path, *extra, timeout=60):
        """-> (document or None, error dict or None)"""
        rc, out, err = self.run("inspect", path, "--json", *extra, timeout=timeout)
        if rc == 0:
            return json.loads(out), None
        return None, error_of(err, rc)

    def warnings(self, doc, code):
        return [w for w in doc["warnings"] if w["code"] == code] if doc else []


def error_of(stderr, rc=1):
    m = re.search(r"^layerscope: error: ([a-z-]+): (.*)$", stderr, re.M)
    if not m:
        return {"rc": rc, "code": None, "message": stderr.strip(), "where": ""}
    msg, where = m.group(2), ""
    k = msg.rfind(" (at ")
    if k >= 0 and msg.endswith(")"):
        msg, where = msg[:k], msg[k + 5:-1]
    return {"rc": rc, "code": m.group(1), "message": msg, "where": where}


def main(test):
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="ls-regress-") as tmp:
        t = T(os.path.abspath(a.cli), tmp)
        try:
            test(t)
        except Exception as e:  # a crash of the test itself is a failure, not a pass
            import traceback
            traceback.print_exc()
            t.check(f"test ran to the end ({type(e).__name__}: {e})", False)
    print(f"{t.passed} passed, {t.failed} failed")
    sys.exit(1 if t.failed else 0)
