#!/usr/bin/env python3
"""Import cycles among a crate's source files (crates/intake/src by default; src for the app): builds the
graph of `crate::` paths (in `use` lines and written in place) from each file to the file that holds the module it names, and prints every cycle
(strongly connected component with more than one file). A file's own children (`mod x;`) are not edges;
`super::` inside a folder module is. Exit status 1 if any cycle is found.

    python3 scripts/import-cycles.py [crates/intake/src | src]
"""
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "crates/intake/src"
files = {}
for dirpath, _, names in os.walk(root):
    for name in names:
        if name.endswith(".rs"):
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)[:-3].split(os.sep)
            if rel[-1] == "mod":
                rel = rel[:-1]
            if rel == ["main"] or rel == ["lib"]:
                rel = []
            files["::".join(rel)] = path


def module_of(parts):
    """The longest prefix of `parts` that is a file's module."""
    for n in range(len(parts), 0, -1):
        key = "::".join(parts[:n])
        if key in files:
            return key
    return None


def strip_tests(text):
    """Drops `#[cfg(test)] mod tests { … }` blocks: tests may reach anywhere."""
    out, i = [], 0
    for m in re.finditer(r"#\[cfg\(test\)\]\s*mod \w+ \{", text):
        if m.start() < i:
            continue
        out.append(text[i:m.start()])
        depth, j = 0, m.end() - 1
        while j < len(text):
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
            if depth == 0:
                break
        i = j
    out.append(text[i:])
    return "".join(out)


edges = {m: set() for m in files}
for mod, path in files.items():
    if path.endswith(os.path.join("store", "tests.rs")) or os.path.basename(path) == "tests.rs":
        continue
    text = strip_tests(open(path, encoding="utf-8").read())
    text = re.sub(r"//[^\n]*", "", text)
    here = mod.split("::") if mod else []
    is_folder = path.endswith("mod.rs")
    # `use crate::{a, b::c}` groups: expand one level.
    for m in re.finditer(r"\b(crate|super)::\{([^}]*)\}", text):
        base = m.group(1)
        for item in m.group(2).split(","):
            item = item.strip().split(" ")[0]
            if item:
                text += f"\n{base}::{item}"
    for m in re.finditer(r"\b((?:crate|super)(?:::\w+)+)", text):
        parts = m.group(1).split("::")
        if parts[0] == "crate":
            target = parts[1:]
        else:
            parent = here if is_folder else here[:-1]
            base = parent[:-1]
            target = base + parts[1:]
        t = module_of(target)
        if t is not None and t != mod and not t.startswith(mod + "::") and mod != "":
            edges[mod].add(t)

# Tarjan's strongly connected components.
index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]


def visit(v):
    index[v] = low[v] = counter[0]
    counter[0] += 1
    stack.append(v)
    on.add(v)
    for w in sorted(edges[v]):
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        scc = []
        while True:
            w = stack.pop()
            on.discard(w)
            scc.append(w)
            if w == v:
                break
        sccs.append(sorted(scc))


sys.setrecursionlimit(10000)
for v in sorted(edges):
    if v not in index:
        visit(v)
cycles = [s for s in sccs if len(s) > 1]
print(f"{len(files)} files, {sum(len(e) for e in edges.values())} imports between them")
for scc in cycles:
    print(f"cycle of {len(scc)}: " + ", ".join(scc))
    for a in scc:
        for b in sorted(edges[a] & set(scc)):
            print(f"    {a or 'main'} -> {b}")
if not cycles:
    print("no cycles")
sys.exit(1 if cycles else 0)
