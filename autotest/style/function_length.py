#!/usr/bin/env python3
"""No function in the non-test sources is longer than 150 lines (the style
rule of doc/style.md).

A function body is a '{' at namespace or class level whose preceding token
is ')' (or a trailing specifier after it: const, override, noexcept, a
return type after '->'); its length runs from the line of its signature's
')' to the line of the matching '}'. Comments, strings and character
literals are skipped, so braces inside them do not count.

usage: function_length.py SOURCE_DIR
"""
import os
import re
import sys

LIMIT = 150
FOLDERS = ["blockcache", "gdalcore", "remote", "drivers", "threadsafe", "geometry", "utilities", "apps",
           "bench", "examples", "scripts"]


def code_only(text):
    """The text with comments and literals blanked (newlines kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'R"([^(]*)\(', text[i:])
            end = text.find(")" + m.group(1) + '"', i) if m else -1
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(" " * (min(j + 1, n) - i))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def long_functions(path):
    code = code_only(open(path, encoding="utf-8", errors="replace").read())
    found = []
    stack = []  # for each open '{': (is_function_body, start_line)
    line = 1
    for i, c in enumerate(code):
        if c == "\n":
            line += 1
        elif c == "{":
            inside_function = any(f for f, _ in stack)
            before = code[:i].rstrip()
            before = re.sub(r"(\s*(const|override|final|noexcept|mutable)\b)+$", "", before)
            before = re.sub(r"->\s*[\w:<>,\s*&]+$", "", before).rstrip()
            is_body = not inside_function and before.endswith(")")
            start = line
            if is_body:
                start = code.count("\n", 0, before.rfind(")")) + 1
            stack.append((is_body, start))
        elif c == "}" and stack:
            is_body, start = stack.pop()
            if is_body and line - start + 1 > LIMIT:
                found.append((line - start + 1, f"{path}:{start}"))
    return found


def main():
    src = sys.argv[1]
    files = [os.path.join(src, "rasterkit.h")]
    for folder in FOLDERS:
        for dirpath, _, names in os.walk(os.path.join(src, folder)):
            files += [os.path.join(dirpath, f) for f in names if f.endswith((".cpp", ".h"))]
    bad = []
    for f in sorted(files):
        bad += long_functions(f)
    if bad:
        print(f"functions longer than {LIMIT} lines:")
        for length, where in sorted(bad, reverse=True):
            print(f"  {length} lines: {os.path.relpath(where, src)}")
        return 1
    print(f"{len(files)} files, no function longer than {LIMIT} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
