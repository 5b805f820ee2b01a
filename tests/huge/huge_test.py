#!/usr/bin/env python3
"""A 4.5 GiB archive (sparse: ~12 KB of disk, see make_huge.py) through the CLI and/or
the WebAssembly build: every offset and size past 2^32 must survive (wasm's size_t is
32-bit), listing reads only headers, a file stored after the 4.5 GiB one reads back
exactly, and verify hashes all 4.5 GiB to the diff_id Python computed.

usage: huge_test.py [--cli build/native/cli/layerscope] [--wasm build/wasm/wasm/node/layerscope_core.js]
       [--no-verify] [--no-gzip]
With a gzip'd layer too (unless --no-gzip): ~21 MB on disk whose uncompressed layer
stream, and the offsets of its entries, pass 4 GiB.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
results = {"pass": 0, "fail": 0}


def check(name, cond, detail=""):
    results["pass" if cond else "fail"] += 1
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f" {str(detail)[:800]}"))
    return cond


def check_summary(tag, doc, facts):
    if not check(f"{tag}: opens", doc is not None):
        return
    lay = doc["images"][0]["layers"][0]
    check(f"{tag}: layer sizes", lay["size"] == facts["layer_size"] and
          lay["uncompressed_size"] == facts["layer_uncompressed"] and lay["compression"] == facts["compression"], lay)
    check(f"{tag}: two entries", lay["entries"] == 2, lay["entries"])
    check(f"{tag}: added bytes", lay["changes"]["added_bytes"] == facts["big"] + len(facts["tail"]), lay["changes"])
    if facts["compression"] == "none":
        check(f"{tag}: read headers only (< 64 KiB of {facts['size']})", doc["bytes_read"] < 65536, doc["bytes_read"])
    else:  # the compressed layer is decoded once to index it
        check(f"{tag}: read the archive once ({facts['size']} bytes)", doc["bytes_read"] <= facts["size"], doc["bytes_read"])


def check_listing(tag, ls, facts):
    if not check(f"{tag}: ls succeeds", ls is not None):
        return
    by = {e["path"]: e for e in ls["entries"]}
    check(f"{tag}: ls shows big.bin with its 4.5 GiB size", by.get("big.bin", {}).get("size") == facts["big"], by.get("big.bin"))
    check(f"{tag}: ls shows the file after it", by.get("after/tail.txt", {}).get("size") == len(facts["tail"]), sorted(by))


def check_verify(tag, doc, facts):
    if not check(f"{tag}: verify succeeds", doc is not None):
        return
    lay = doc["images"][0]["layers"][0]
    check(f"{tag}: computed diff_id over 4.5 GiB is Python's", lay.get("computed_diff_id") == facts["diff_id"],
          (lay.get("computed_diff_id"), facts["diff_id"]))
    bad = [w for w in doc["warnings"] if w["code"] in ("diff-id-mismatch", "digest-mismatch", "verify-failed")]
    check(f"{tag}: no mismatch warning", not bad, bad)


def run_cli(cli, path, facts, verify):
    def run(*args):
        p = subprocess.run([cli, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
        return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")
    rc, out, err = run("inspect", path, "--json")
    check_summary("cli", json.loads(out) if rc == 0 else None, facts)
    rc, out, err = run("ls", path, "--json")
    check_listing("cli", json.loads(out) if rc == 0 else None, facts)
    rc, out, err = run("cat", path, "after/tail.txt")
    check("cli: cat of the file stored past 4 GiB", rc == 0 and out == facts["tail"].encode(), (rc, out[:100], err))
    p = subprocess.Popen([cli, "cat", path, "big.bin"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    head = p.stdout.read(1 << 20)
    p.kill()
    p.wait()
    check(f"cli: cat of the 4.5 GiB file streams (first MiB: zeros)", len(head) == 1 << 20 and not head.strip(b"\0"),
          len(head))
    if verify:
        rc, out, err = run("inspect", path, "--json", "--verify")
        check_verify("cli", json.loads(out) if rc == 0 else None, facts)


def run_wasm(module, path, facts, verify):
    job = {"cat": [{"path": "after/tail.txt", "max": 1 << 20}], "list": {"prefix": ""}, "verify": verify,
           "log": []}
    p = subprocess.run(["node", os.path.join(HERE, "..", "hostile", "hostile_wasm.mjs"), module, path, json.dumps(job)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=900)
    try:
        r = json.loads(p.stdout.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        check("wasm: node printed a result", False, p.stderr.decode("utf-8", "replace")[-800:])
        return
    check_summary("wasm", r.get("summary") if r["open"]["ok"] else None, facts)
    check_listing("wasm", r["ls"]["doc"] if r.get("ls", {}).get("ok") else None, facts)
    c = r["cat"][0] if r.get("cat") else {}
    check("wasm: read of the file stored past 4 GiB", c.get("ok") and bytes.fromhex(c.get("hex", "")) == facts["tail"].encode(), c)
    if verify:
        v = r.get("verify", {})
        check_verify("wasm", v.get("summary") if v.get("ok") else None, facts)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli")
    ap.add_argument("--wasm")
    ap.add_argument("--no-verify", action="store_true")
    ap.add_argument("--no-gzip", action="store_true")
    a = ap.parse_args()
    if not a.cli and not a.wasm:
        ap.error("give --cli and/or --wasm")
    with tempfile.TemporaryDirectory(prefix="ls-huge-") as tmp:
        for gz in [False] + ([] if a.no_gzip else [True]):
            path = os.path.join(tmp, "huge-gzip.tar" if gz else "huge.tar")
            facts = json.loads(subprocess.check_output([sys.executable, os.path.join(HERE, "make_huge.py"),
                                                        *(["--gzip"] if gz else []), path]))
            print(f"# {facts['compression']} layer: archive {facts['size']} bytes, layer stream {facts['layer_uncompressed']}")
            if a.cli:
                run_cli(os.path.abspath(a.cli), path, facts, not a.no_verify)
            if a.wasm:
                run_wasm(os.path.abspath(a.wasm), path, facts, not a.no_verify)
    print(f"{results['pass']} passed, {results['fail']} failed")
    sys.exit(1 if results["fail"] else 0)


if __name__ == "__main__":
    main()
