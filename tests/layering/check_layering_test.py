#!/usr/bin/env python3
"""Self-test of scripts/check_layering.py: a small copy of the tree passes as it
is, and fails, naming the file, the line and the rule, once it holds
  1. an upward include (core/src/tree including image/loader.h),
  2. a sideways include (core/src/manifest including archive/),
  3. a web/src folder no row claims,
  4. an import that runs up in web/src (state/ importing components/),
  5. a web/src file outside engine/ importing ../wasm directly.
"""
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHECKER = os.path.join(ROOT, "scripts", "check_layering.py")
COPY = ["docs/design.md", "core/src/base", "core/src/tree", "core/src/image", "core/src/manifest",
        "core/src/archive", "core/include", "web/src/state", "web/src/engine", "web/src/components", "web/src/types",
        "core/src/digest", "core/src/io", "wasm/client.ts", "wasm/connection.ts", "wasm/parallel.ts", "wasm/protocol.ts", "wasm/protocol-results.ts", "wasm/schema-types.gen.ts", "wasm/worker.ts", "wasm/warm-up.ts",
        "wasm/io"]


def run(root):
    p = subprocess.run([sys.executable, CHECKER, "--root", root], capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def fresh():
    d = tempfile.mkdtemp(prefix="layering-")
    for rel in COPY:
        src, dst = os.path.join(ROOT, rel), os.path.join(d, rel)
        if os.path.isdir(src):
            shutil.copytree(src, dst)
        elif os.path.isfile(src):
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy(src, dst)
    return d


def append(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "a") as f:
        f.write(text)
    with open(path) as f:
        return f.read().count("\n")


def main():
    failures = 0

    def expect(name, cond, out):
        nonlocal failures
        print(("ok   " if cond else "FAIL ") + name)
        if not cond:
            failures += 1
            print(out)

    d = fresh()
    try:
        rc, out = run(d)
        expect("the copy as it is passes", rc == 0, out)
    finally:
        shutil.rmtree(d)

    cases = [
        ("upward include tree -> image", "core/src/tree/merge.cpp", '#include "image/loader.h"\n',
         ["core/src/tree/merge.cpp:", "row image", "tree (may use: base)"]),
        ("sideways include manifest -> archive", "core/src/manifest/json.h", '#include "archive/tar_reader.h"\n',
         ["core/src/manifest/json.h:", "row archive", "manifest (may use: base)"]),
        ("unknown web/src folder", "web/src/newthing/x.ts", "export const x = 1;\n",
         ["web/src/newthing/x.ts:1:", "no row"]),
        ("state imports components", "web/src/state/format.ts", "import { icons } from '../components/icons';\n",
         ["web/src/state/format.ts:", "row web-components", "web-state (may use:"]),
        ("components import ../wasm directly", "web/src/components/icons.ts",
         "import type { X } from '../../../wasm/protocol';\n",
         ["web/src/components/icons.ts:", "row wasm-protocol", "web-components (may use:"]),
    ]
    for name, rel, text, needles in cases:
        d = fresh()
        try:
            line = append(d, rel, text)
            rc, out = run(d)
            ok = rc == 1 and all(n in out for n in needles)
            if rel.endswith((".cpp", ".h")) or rel.startswith("web/src/state") or rel.startswith("web/src/components"):
                ok = ok and f"{rel}:{line}:" in out
            expect(name, ok, out)
        finally:
            shutil.rmtree(d)
    print(f"{'FAILED' if failures else 'passed'}: {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
