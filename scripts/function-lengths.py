#!/usr/bin/env python3
"""Functions in Sources/ longer than the limit (default 60 lines, counted
from the line of `func`/`init`/`subscript` to its closing brace, comments
included). Prints them, longest first, and exits 1 if any exceeds the
limit: the code style keeps functions short so that each reads at once.
Usage: function-lengths.py [LIMIT]"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Sources")
START = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|package|internal|fileprivate|private|static|class|final|override|"
                   r"mutating|nonmutating|nonisolated|convenience|required|@discardableResult)\s+)*(func\s+[^\s(<]+|init[?!]?|subscript)\s*[(<]")


def strip(line):
    """The line without string literals and // comments (braces in them do not count)."""
    line = re.sub(r'"(?:\\.|[^"\\])*"', '""', line)
    return line.split("//", 1)[0]


def functions(path):
    with open(path, encoding="utf-8") as handle:
        lines = handle.readlines()
    index = 0
    while index < len(lines):
        match = START.match(lines[index])
        if not match:
            index += 1
            continue
        depth, opened, end = 0, False, index
        for end in range(index, len(lines)):
            code = strip(lines[end])
            depth += code.count("{") - code.count("}")
            opened = opened or "{" in code
            if opened and depth <= 0:
                break
            if not opened and end > index and code.strip() == "" and depth == 0:
                break  # a protocol requirement: no body
        if opened:
            yield match.group(1), index + 1, end - index + 1
        index += 1


def main():
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    long = []
    for folder, _, names in os.walk(ROOT):
        for name in names:
            if name.endswith(".swift"):
                path = os.path.join(folder, name)
                for function, line, length in functions(path):
                    if length > limit:
                        long.append((length, os.path.relpath(path, os.path.join(ROOT, "..")), line, function))
    for length, path, line, function in sorted(long, reverse=True):
        print(f"{length:4d} {path}:{line} {function}")
    return 1 if long else 0


if __name__ == "__main__":
    sys.exit(main())
