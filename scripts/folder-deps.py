#!/usr/bin/env python3
"""Folder dependencies of Sources/GrokKit, and a check that they form no cycle.

GrokKit is one module, so the compiler lets any file use any type. The
layering is kept by this script: a folder depends on another when one of its
files names a type declared there. `folder-deps.py` prints the edges and
exits 1 naming a cycle if there is one; `--dot` prints a Graphviz graph.
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Sources", "GrokKit")
DECL = re.compile(r"^(?:(?:public|package|internal|fileprivate|private|final|indirect)\s+)*"
                  r"(?:struct|enum|class|actor|protocol|typealias)\s+([A-Z][A-Za-z0-9_]*)", re.M)
COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
STRING = re.compile(r'"(?:\\.|[^"\\\n])*"')


def sources():
    for folder in sorted(os.listdir(ROOT)):
        path = os.path.join(ROOT, folder)
        if not os.path.isdir(path):
            continue
        for name in sorted(os.listdir(path)):
            if name.endswith(".swift"):
                with open(os.path.join(path, name), encoding="utf-8") as handle:
                    yield folder, name, STRING.sub('""', COMMENT.sub("", handle.read()))


def graph():
    files = list(sources())
    owner = {}
    for folder, _, text in files:
        # Top-level declarations only: nested types are reached through
        # their outer type.
        for match in DECL.finditer(text):
            owner.setdefault(match.group(1), folder)
    edges = {}
    for folder, name, text in files:
        for word in set(re.findall(r"\b[A-Z][A-Za-z0-9_]*\b", text)):
            other = owner.get(word)
            if other and other != folder:
                edges.setdefault(folder, {}).setdefault(other, set()).add(f"{name}: {word}")
    return edges


def find_cycle(edges):
    state, stack = {}, []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, {})):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def main():
    edges = graph()
    if "--dot" in sys.argv:
        print("digraph folders {")
        for src in sorted(edges):
            for dst in sorted(edges[src]):
                print(f'  "{src}" -> "{dst}";')
        print("}")
        return 0
    for src in sorted(edges):
        print(f"{src} -> {', '.join(sorted(edges[src]))}")
    cycle = find_cycle(edges)
    if cycle:
        print("folder cycle: " + " -> ".join(cycle), file=sys.stderr)
        for src, dst in zip(cycle, cycle[1:]):
            print(f"  {src} -> {dst}: {'; '.join(sorted(edges[src][dst])[:4])}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
