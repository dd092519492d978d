#!/usr/bin/env bash
# tests/sh/test_layers.sh - the host's folders are layers (host/CMakeLists.txt,
# docs/architecture.md): every #include "..." in host/ and sdk/src must
# resolve inside its own folder or a folder below it, and the modules (a
# vh_x.c with its vh_x.h / vh_x_int.h) must include each other without a
# cycle. The build already refuses an upward include that goes through the
# include path; this also catches one spelled with a relative path, and
# cycles inside one layer, which the build cannot see.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
exec python3 - "$root" <<'PY'
import os, re, sys

root = sys.argv[1]
# Lowest first; a file may include from its own layer and those before it.
layers = ["sdk/src", "host/base", "host/plugin", "host/run", "host/schema", "host/fleet", "host/lint", "host/cli"]
rank = {l: i for i, l in enumerate(layers)}
inc = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
where = {}    # header basename -> layer
files = []
for layer in layers:
    d = os.path.join(root, layer)
    for f in sorted(os.listdir(d)):
        if f.endswith((".c", ".h")):
            files.append((layer, f))
            if f.endswith(".h"):
                where[f] = layer
# Generated headers (sdk/CMakeLists.txt) belong to the SDK.
for g in ("vh_template_data.h", "vh_sdk_paths.h"):
    where[g] = "sdk/src"

def module(f):
    return re.sub(r'(_int)?\.[ch]$', '', f)

passed = failed = 0
edges = {}
for layer, f in files:
    text = open(os.path.join(root, layer, f)).read()
    for name in inc.findall(text):
        base = os.path.basename(name)
        target = where.get(base)
        if target is None:
            print(f"FAIL {layer}/{f}: includes \"{name}\", which is in no layer")
            failed += 1
            continue
        if rank[target] > rank[layer] or os.path.dirname(name):
            print(f"FAIL {layer}/{f}: includes \"{name}\" from {target}, a layer above")
            failed += 1
            continue
        a, b = (layer, module(f)), (target, module(base))
        if a != b:
            edges.setdefault(a, set()).add(b)
        passed += 1

# Cycle search over modules (depth-first, colouring).
state, stack, cycles = {}, [], []
def visit(n):
    state[n] = 1
    stack.append(n)
    for m in sorted(edges.get(n, ())):
        if state.get(m) == 1:
            cycles.append(stack[stack.index(m):] + [m])
        elif m not in state:
            visit(m)
    stack.pop()
    state[n] = 2
for n in sorted(edges):
    if n not in state:
        visit(n)
for c in cycles:
    print("FAIL include cycle: " + " -> ".join(f"{l}/{m}" for l, m in c))
    failed += 1
if not cycles:
    passed += 1
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or not passed else 0)
PY
