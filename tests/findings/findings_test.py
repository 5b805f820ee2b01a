#!/usr/bin/env python3
"""findings and ci on an image built here with a real tool (buildah, with a
private vfs storage under a temporary directory), holding fake secrets made up
for this run: a private key added in one layer and deleted in the next, a
GitHub token in ENV, an AWS access key id in a label, a password in a history
command, an .npmrc with an auth token, a setuid file and a world-writable
directory. Every secret must be found, and none of the values may appear in
the output of `findings` or `ci` (text or JSON, stdout or stderr).

Without buildah the same image is written with Python's tarfile (and said so).

usage: findings_test.py --cli PATH/TO/layerscope
"""
import argparse
import base64
import hashlib
import io
import json
import os
import random
import shutil
import string
import subprocess
import sys
import tarfile
import tempfile

PASSED = 0
FAILED = 0


def check(name, cond, detail=""):
    global PASSED, FAILED
    if cond:
        PASSED += 1
        print(f"ok   - {name}")
    else:
        FAILED += 1
        print(f"FAIL - {name} {detail}")


def rand(n, alphabet=string.ascii_letters + string.digits):
    return "".join(random.SystemRandom().choice(alphabet) for _ in range(n))


SECRETS = {
    "key_body": base64.b64encode(os.urandom(150)).decode(),
    "github": "ghp_" + rand(36),
    "aws": "AKIA" + rand(16, string.ascii_uppercase + string.digits),
    "password": "pw" + rand(14),
    "npm": "npm_" + rand(36),
}
PEM = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + SECRETS["key_body"] + "\n-----END OPENSSH PRIVATE KEY-----\n"
NPMRC = "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=" + SECRETS["npm"] + "\n"
RUN_STEP = "/bin/sh -c rm /root/.ssh/id_rsa && DB_PASSWORD=" + SECRETS["password"] + " ./configure --with-db"


def leaked(text):
    """The secret values (or long pieces of them) found in `text`."""
    out = []
    for name, v in SECRETS.items():
        pieces = [v] + ([v[4:]] if v[:4] in ("ghp_", "AKIA", "npm_") else []) + [v[i:i + 16] for i in range(0, len(v) - 16, 16)]
        if any(p in text for p in pieces):
            out.append(name)
    return out


# ---- building the image ------------------------------------------------------

def build_with_buildah(tmp, out):
    b = ["buildah", "--root", os.path.join(tmp, "root"), "--runroot", os.path.join(tmp, "run"),
         "--storage-driver", "vfs"]

    def run(*args):
        return subprocess.run(b + list(args), check=True, capture_output=True, text=True).stdout.strip()

    c1 = run("from", "scratch")
    m = run("mount", c1)
    os.makedirs(os.path.join(m, "root/.ssh"), mode=0o700)
    with open(os.path.join(m, "root/.ssh/id_rsa"), "w") as f:
        f.write(PEM)
    os.chmod(os.path.join(m, "root/.ssh/id_rsa"), 0o600)
    os.makedirs(os.path.join(m, "srv/app"))
    with open(os.path.join(m, "srv/app/data.bin"), "wb") as f:
        f.write(os.urandom(5000))
    run("config", "--created-by", "COPY id_rsa /root/.ssh/id_rsa", c1)
    run("commit", "-q", c1, "localhost/findings-step:1")
    c2 = run("from", "localhost/findings-step:1")
    m = run("mount", c2)
    os.remove(os.path.join(m, "root/.ssh/id_rsa"))
    os.makedirs(os.path.join(m, "home/node"))
    with open(os.path.join(m, "home/node/.npmrc"), "w") as f:
        f.write(NPMRC)
    os.makedirs(os.path.join(m, "usr/bin"))
    with open(os.path.join(m, "usr/bin/suid-tool"), "wb") as f:
        f.write(b"\x7fELF fake")
    os.chmod(os.path.join(m, "usr/bin/suid-tool"), 0o4755)
    os.makedirs(os.path.join(m, "srv/shared"))
    os.chmod(os.path.join(m, "srv/shared"), 0o777)
    run("config", "--env", "GITHUB_TOKEN=" + SECRETS["github"], "--label", "deploy.aws=" + SECRETS["aws"],
        "--created-by", RUN_STEP, c2)
    run("commit", "-q", c2, "localhost/findings:1")
    run("push", "-q", "localhost/findings:1", "docker-archive:" + out + ":fixture/findings:1")
    subprocess.run(b + ["rm", "--all"], capture_output=True)
    subprocess.run(b + ["rmi", "--all", "--force"], capture_output=True)


def build_with_tarfile(out):
    def layer(entries):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
            for name, mode, data in entries:
                ti = tarfile.TarInfo(name)
                ti.mode = mode
                if data is None:
                    ti.type = tarfile.DIRTYPE
                    t.addfile(ti)
                else:
                    ti.size = len(data)
                    t.addfile(ti, io.BytesIO(data))
        return buf.getvalue()
    l0 = layer([("root/.ssh", 0o700, None), ("root/.ssh/id_rsa", 0o600, PEM.encode()),
                ("srv/app/data.bin", 0o644, os.urandom(5000))])
    l1 = layer([("root/.ssh/.wh.id_rsa", 0o644, b""), ("home/node/.npmrc", 0o644, NPMRC.encode()),
                ("usr/bin/suid-tool", 0o4755, b"\x7fELF fake"), ("srv/shared", 0o777, None)])
    ids = [hashlib.sha256(x).hexdigest() for x in (l0, l1)]
    cfg = json.dumps({"architecture": "amd64", "os": "linux",
                      "config": {"Env": ["PATH=/usr/bin", "GITHUB_TOKEN=" + SECRETS["github"]],
                                 "Labels": {"deploy.aws": SECRETS["aws"]}},
                      "rootfs": {"type": "layers", "diff_ids": ["sha256:" + i for i in ids]},
                      "history": [{"created_by": "COPY id_rsa /root/.ssh/id_rsa"}, {"created_by": RUN_STEP}]}).encode()
    cid = hashlib.sha256(cfg).hexdigest()
    man = json.dumps([{"Config": cid + ".json", "RepoTags": ["fixture/findings:1"],
                       "Layers": [i + "/layer.tar" for i in ids]}]).encode()
    with tarfile.open(out, "w") as t:
        for name, data in [(cid + ".json", cfg), ("manifest.json", man), (ids[0] + "/layer.tar", l0),
                           (ids[1] + "/layer.tar", l1)]:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))


# ---- checks ---------------------------------------------------------------------

def run_cli(cli, *args, cwd=None):
    p = subprocess.run([cli, *args], capture_output=True, text=True, timeout=120, cwd=cwd)
    both = p.stdout + p.stderr
    check(f"{' '.join(args[:1] + args[2:])}: no secret value printed", not leaked(both), f"leaked: {leaked(both)}")
    return p


def one(found, rule, path=None):
    return [f for f in found if f["rule"] == rule and (path is None or f["path"] == path)]


def check_findings(cli, archive):
    raw = subprocess.run([cli, "inspect", archive, "--json"], capture_output=True, text=True).stdout
    # The stored config shows what is stored: the leak check must see the values there.
    check("sanity: inspect --json shows the stored ENV token, label and history password",
          set(leaked(raw)) >= {"github", "aws", "password"}, leaked(raw))
    inspect = json.loads(raw)
    history = inspect["images"][0]["history"]
    rm_step = [i for i, h in enumerate(history) if "rm /root/.ssh/id_rsa" in h["created_by"]]
    check("the image has the deleting history step", len(rm_step) == 1)
    rm_layer = history[rm_step[0]]["layer"] if rm_step else None

    p = run_cli(cli, "findings", archive, "--json")
    check("findings --json exits 0", p.returncode == 0, p.stderr)
    doc = json.loads(p.stdout) if p.returncode == 0 else {"findings": []}
    check("findings document is versioned", doc.get("schema_version") == 1)
    found = doc["findings"]
    key = one(found, "private-key-file", "root/.ssh/id_rsa")
    check("private key found by name", len(key) == 1, found)
    if key:
        check("private key: stored in layer 0, deleted by the next layer",
              key[0]["layer"] == 0 and key[0]["killed_by"] == rm_layer, key[0])
    dead = one(found, "deleted-but-shipped", "root/.ssh/id_rsa")
    check("private key is deleted-but-shipped, with its size and the deleting step",
          len(dead) == 1 and dead[0]["bytes"] == len(PEM) and dead[0]["history"] == (rm_step or [None])[0], dead)
    check(".npmrc found by name", len(one(found, "credential-file", "home/node/.npmrc")) == 1)
    env = one(found, "secret-in-env")
    check("token in ENV found", len(env) == 1 and env[0]["place"].startswith("config.Env"), env)
    check("ENV finding is masked but names the variable", env and "GITHUB_TOKEN=****" in env[0]["detail"], env)
    hist = one(found, "secret-in-history")
    check("password in the history command found", len(hist) == 1 and hist[0]["history"] == (rm_step or [None])[0], hist)
    check("history finding shows the masked command", hist and "DB_PASSWORD=****" in hist[0]["detail"], hist)
    check("AWS key id in a label found", len(one(found, "secret-in-label")) == 1, found)
    check("setuid file found", len(one(found, "setuid-file", "usr/bin/suid-tool")) == 1)
    check("world-writable directory found", len(one(found, "world-writable", "srv/shared")) == 1)
    check("no content finding without --content", not one(found, "secret-in-content"))

    p = run_cli(cli, "findings", archive, "--content", "--json")
    check("findings --content --json exits 0", p.returncode == 0, p.stderr)
    found = json.loads(p.stdout)["findings"] if p.returncode == 0 else []
    check("--content: the deleted private key's PEM header found in layer 0",
          [f["layer"] for f in one(found, "secret-in-content", "root/.ssh/id_rsa")] == [0], one(found, "secret-in-content"))
    check("--content: the .npmrc auth token found", len(one(found, "secret-in-content", "home/node/.npmrc")) == 1)
    check("--content: nothing in the random data file", not one(found, "secret-in-content", "srv/app/data.bin"))

    for args in (["findings", archive], ["findings", archive, "--content"], ["findings", archive, "--content", "--progress"]):
        p = run_cli(cli, *args)
        check(f"{' '.join(args[2:]) or 'text'}: findings exits 0 and lists the rules", p.returncode == 0 and
              all(r in p.stdout for r in ("private-key-file", "secret-in-env", "secret-in-history", "credential-file")))

    p = run_cli(cli, "ci", archive, "--fail-on", "high")
    check("ci --fail-on high exits 1", p.returncode == 1, p.stdout + p.stderr)
    check("ci names the failing findings rule", "FAIL  findings (high or above)" in p.stdout, p.stdout)
    p = run_cli(cli, "ci", archive, "--fail-on", "critical", "--lowest-efficiency", "0",
                "--highest-user-wasted-percent", "disabled")
    check("ci --fail-on critical exits 1 (the history password)", p.returncode == 1, p.stdout)
    p = run_cli(cli, "ci", archive, "--lowest-efficiency", "0", "--highest-user-wasted-percent", "disabled")
    check("ci without --fail-on, lenient thresholds: exit 0", p.returncode == 0, p.stdout + p.stderr)


ODD_ENTRY_RULES = ("entry-path-escapes", "hardlink-target-escapes", "entry-over-limit", "hardlink-target-missing",
                   "entry-path-absolute", "duplicate-entry")


def check_odd_entries(cli, tmp):
    """The hostile corpus's odd-entry cases (tests/hostile/make_corpus.py, expectations from Python's
    posixpath): every entry a case expects flagged is a finding of the rule of that code, at its layer
    and entry; no case has a finding of these rules it does not expect."""
    corpus = os.path.join(tmp, "corpus")
    subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hostile",
                    "make_corpus.py"), "--quick", "--only", "warnings", corpus], check=True, capture_output=True)
    cases = json.load(open(os.path.join(corpus, "cases.json")))["cases"]
    seen = 0
    for c in cases:
        want = [w for w in c["expect"].get("warnings", []) if w["code"] in ODD_ENTRY_RULES]
        p = run_cli(cli, "findings", os.path.join(corpus, c["file"]), "--json")
        if p.returncode != 0:
            check(f"{c['name']}: findings --json exits 0", not want, p.stderr[-300:])
            continue
        got = [f for f in json.loads(p.stdout)["findings"] if f["rule"] in ODD_ENTRY_RULES]
        for w in want:
            entry = w["where"].split(": ", 1)[1]
            check(f"{c['name']}: {w['code']} finding for {entry!r}",
                  any(f["rule"] == w["code"] and entry in f["place"] for f in got), [(f["rule"], f["place"]) for f in got])
            seen += 1
        check(f"{c['name']}: no unexpected odd-entry finding", {f["rule"] for f in got} <= {w["code"] for w in want},
              [(f["rule"], f["place"]) for f in got])
    check("the corpus has odd-entry cases", seen >= 8, seen)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli")
    ap.add_argument("--write", metavar="OUT", help="only write the secrets image (Python tarfile) to OUT and print "
                    "its secrets as JSON (the page's e2e uses it)")
    a = ap.parse_args()
    if a.write:
        build_with_tarfile(a.write)
        print(json.dumps({"secrets": SECRETS, "run_step": RUN_STEP}))
        return 0
    if not a.cli:
        ap.error("--cli is required")
    tmp = tempfile.mkdtemp(prefix="layerscope-findings-")
    try:
        out = os.path.join(tmp, "secrets.tar")
        if shutil.which("buildah") and os.geteuid() == 0:
            build_with_buildah(tmp, out)
            print("# image built with buildah (vfs storage in " + tmp + ")")
        else:
            build_with_tarfile(out)
            print("# buildah not usable here (not installed or not root): image written with Python tarfile")
        check_findings(a.cli, out)
        check_odd_entries(a.cli, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{PASSED} passed, {FAILED} failed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
