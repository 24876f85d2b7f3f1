#!/usr/bin/env python3
"""Lists C# members longer than a limit (default 60 lines) and files longer than 400 lines.

A rough brace counter, good enough for this code base's style (Allman braces, one member per block). Usage:
    python3 tools/long-methods.py [--limit 60] [paths...]
"""
import re, sys, os

# Braces inside string and character literals and after // are not code: strip them before counting.
_LITERALS = re.compile(r"""@"(?:[^"]|"")*"|\$?"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)'|//.*$""")


def code_braces(line):
    code = _LITERALS.sub('', line)
    return code.count('{'), code.count('}')


def members(path):
    lines = open(path, encoding='utf-8').read().split('\n')
    sig = re.compile(r'^\s{4,8}(?:\[.*\]\s*)?(?:public|private|internal|protected|static|async|override|sealed|virtual|partial|readonly|unsafe|new)\s[^;=]*\(')
    i = 0
    while i < len(lines):
        if sig.match(lines[i]) and not lines[i].strip().startswith('//'):
            start = i
            depth = 0; opened = False; j = i
            while j < len(lines):
                opens, closes = code_braces(lines[j])
                depth += opens - closes
                if opens: opened = True
                if lines[j].rstrip().endswith(';') and not opened and depth == 0: break
                if opened and depth <= 0: break
                j += 1
            yield start + 1, j - start + 1, lines[start].strip()[:90]
            i = j + 1 if opened else i + 1
        else:
            i += 1

def main(argv):
    limit = 60
    if '--limit' in argv:
        k = argv.index('--limit'); limit = int(argv[k + 1]); del argv[k:k + 2]
    roots = argv or ['src']
    for root in roots:
        for d, _, fs in os.walk(root):
            if '/obj' in d or '/bin' in d: continue
            for f in fs:
                if not f.endswith('.cs') or f.endswith('.Table.cs'): continue
                p = os.path.join(d, f)
                n = sum(1 for _ in open(p, encoding='utf-8'))
                if n > 400: print(f'FILE {n:5d} {p}')
                for line, length, text in members(p):
                    if length > limit: print(f'METHOD {length:4d} {p}:{line} {text}')

main(sys.argv[1:])
