#!/usr/bin/env python3
"""Fails on any include or import that runs up or sideways outside the table of
allowed dependencies in docs/design.md ("Who may include whom").

Scans `#include "..."` in core/src, core/include, cli and wasm (C/C++), and
`import ... from '...'`, `import '...'`, `import('...')`, `export ... from '...'`
in wasm/*.ts and web/src/**/*.ts (relative specifiers only; packages are not
ours). Every scanned file must belong to a row of the table, and so must every
file it reaches: a new folder (e.g. web/src/newthing/) needs a row first.

    python3 scripts/check_layering.py [--root DIR] [--table FILE] [-v]

Exit 0 when clean; 1 with one line per violation: file:line: what, and the rule.
"""
import argparse
import os
import re
import sys

BEGIN = "<!-- layering-table:begin -->"
END = "<!-- layering-table:end -->"

CPP_EXT = (".h", ".hpp", ".cpp", ".cc")
TS_EXT = (".ts", ".mts")
INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
IMPORT_RES = [
    re.compile(r"""\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]"""),
    re.compile(r"""\bimport\s*['"]([^'"]+)['"]"""),
    re.compile(r"""\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)"""),
]
SCAN_ROOTS = [("core/src", CPP_EXT), ("core/include", CPP_EXT), ("cli", CPP_EXT), ("wasm", CPP_EXT + TS_EXT),
              ("web/src", TS_EXT)]
SKIP_DIRS = {"node_modules", "dist", "build"}


class Row:
    def __init__(self, name, paths, deps, line):
        self.name, self.paths, self.deps, self.line = name, paths, deps, line

    def __repr__(self):
        return f"{self.name} (may use: {', '.join(self.deps) or 'nothing'})"


def split_cell(cell):
    cell = cell.replace("`", "").strip()
    if cell in ("", "-", "—", "nothing"):
        return []
    return [x.strip() for x in cell.split(",") if x.strip()]


def read_table(path):
    text = open(path, encoding="utf-8").read()
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{path}: no table between {BEGIN} and {END}")
    start = text[: text.index(BEGIN)].count("\n") + 1
    rows = []
    for i, line in enumerate(text[text.index(BEGIN): text.index(END)].splitlines()):
        if not line.startswith("|") or set(line.replace("|", "").strip()) <= set("-: "):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or cells[0].lower() in ("module", "row"):
            continue
        rows.append(Row(cells[0].replace("`", "").replace("(+)", "").strip(), split_cell(cells[1]), split_cell(cells[2]), start + i))
    names = {r.name for r in rows}
    for r in rows:
        for d in r.deps:
            if "/" not in d and d not in names:
                raise SystemExit(f"{path}:{r.line}: row {r.name} names an unknown module '{d}'")
    return rows


def owner(rows, rel):
    """The row whose path claims `rel` (longest prefix wins)."""
    best, best_len = None, -1
    for r in rows:
        for p in r.paths:
            if (rel == p or (p.endswith("/") and rel.startswith(p))) and len(p) > best_len:
                best, best_len = r, len(p)
    return best


def allowed(rows_by_name, row, target_rel, target_row):
    if target_row is not None and target_row.name == row.name:
        return True
    for d in row.deps:
        if "/" in d:
            if target_rel == d or (d.endswith("/") and target_rel.startswith(d)):
                return True
        elif target_row is not None and d == target_row.name:
            return True
    return False


def resolve_include(root, rel_file, spec):
    here = os.path.dirname(rel_file)
    top = rel_file.split("/", 1)[0]  # cli/commands/x.cpp finds "command.h" in cli/
    for base in (here, top, "core/src", "core/include", os.path.join("core/include", "layerscope")):
        cand = os.path.normpath(os.path.join(base, spec))
        if os.path.isfile(os.path.join(root, cand)):
            return cand
    return None


def resolve_import(root, rel_file, spec):
    spec = spec.split("?", 1)[0]  # Vite queries: './worker.ts?worker&inline'
    cand = os.path.normpath(os.path.join(os.path.dirname(rel_file), spec))
    for c in (cand, cand + ".ts", cand + ".mts", cand + ".d.ts", os.path.join(cand, "index.ts")):
        if os.path.isfile(os.path.join(root, c)):
            return c
    if cand.endswith(".js"):  # TS source imported by its emitted name
        c = cand[:-3] + ".ts"
        if os.path.isfile(os.path.join(root, c)):
            return c
    return cand  # unresolved: still judged by its path


def strip_comments_ts(text):
    # Drops /* */ and // comments, keeping line numbers (no strings with // in import lines matter).
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return "\n".join(re.sub(r"(^|[^:'\"])//.*$", r"\1", l) for l in text.split("\n"))


def scan(root, rows, verbose=False):
    by_name = {r.name: r for r in rows}
    problems, warnings, files = [], [], 0
    for top, exts in SCAN_ROOTS:
        top_abs = os.path.join(root, top)
        if not os.path.isdir(top_abs):
            continue
        for dirpath, dirnames, filenames in os.walk(top_abs):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            for fn in sorted(filenames):
                if not fn.endswith(exts):
                    continue
                rel = os.path.relpath(os.path.join(dirpath, fn), root)
                files += 1
                row = owner(rows, rel)
                if row is None:
                    problems.append(f"{rel}:1: no row of the layering table claims this file "
                                    f"(add a row for its folder to docs/design.md)")
                    continue
                text = open(os.path.join(root, rel), encoding="utf-8", errors="replace").read()
                is_ts = fn.endswith(TS_EXT)
                if is_ts:
                    text = strip_comments_ts(text)
                for no, line in enumerate(text.split("\n"), 1):
                    specs = []
                    if is_ts:
                        for rx in IMPORT_RES:
                            specs += [m.group(1) for m in rx.finditer(line)]
                        specs = [s for s in dict.fromkeys(specs) if s.startswith(".")]
                    else:
                        m = INCLUDE_RE.match(line)
                        if m:
                            specs = [m.group(1)]
                    for spec in specs:
                        target = resolve_import(root, rel, spec) if is_ts else resolve_include(root, rel, spec)
                        if target is None:
                            warnings.append(f"{rel}:{no}: cannot resolve \"{spec}\" (not judged)")
                            continue
                        trow = owner(rows, target)
                        if allowed(by_name, row, target, trow):
                            if verbose:
                                print(f"ok   {rel}:{no}: {row.name} -> {trow.name if trow else target}")
                            continue
                        what = f"row {trow.name}" if trow else "no row of the table"
                        problems.append(f"{rel}:{no}: '{spec}' reaches {target} ({what}); "
                                        f"rule: {row!r}")
    return problems, warnings, files


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--table", help="file holding the table (default: ROOT/docs/design.md)")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    table = a.table or os.path.join(a.root, "docs", "design.md")
    rows = read_table(table)
    problems, warnings, files = scan(a.root, rows, a.verbose)
    for w in warnings:
        print("warning: " + w)
    for p in problems:
        print(p)
    if problems:
        print(f"layering: {len(problems)} violation(s) in {files} files (table: {os.path.relpath(table, a.root)})")
        return 1
    print(f"layering: {files} files, {len(rows)} rows, no include or import outside the table")
    return 0


if __name__ == "__main__":
    sys.exit(main())
