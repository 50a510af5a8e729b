#!/usr/bin/env python3
"""Turns llama.cpp's grammar tests into data for Cove's JUnit tests.

Reads test-grammar-integration.cpp, test-grammar-parser.cpp and test-json-schema-to-grammar.cpp
(../shared/reference/grammar) and writes llama-grammar-cases.json: every test_grammar /
test_schema call with its passing and failing strings, every verify_parsing (must parse) /
verify_failure (must fail) grammar, the left-recursion grammars that must fail to build, and
every json-schema-to-grammar case (status, schema, llama.cpp's grammar). A string is a list of
parts: text, or an int for a token given as token(N).

Usage: extract_llama_grammar_tests.py REFERENCE_DIR OUT.json
"""
import json
import re
import sys


def lex(src):
    """C++ tokens we need: raw strings, strings, identifiers, numbers, punctuation."""
    i, out = 0, []
    while i < len(src):
        c = src[i]
        if src.startswith('//', i):
            i = src.index('\n', i)
        elif src.startswith('/*', i):
            i = src.index('*/', i) + 2
        elif c.isspace():
            i += 1
        elif src.startswith('R"', i):
            d = src.index('(', i)
            delim = src[i + 2:d]
            end = src.index(')' + delim + '"', d)
            out.append(('str', src[d + 1:end]))
            i = end + len(delim) + 2
        elif c == '"':
            j, buf = i + 1, []
            while src[j] != '"':
                if src[j] == '\\':
                    e = src[j + 1]
                    m = {'n': '\n', 't': '\t', 'r': '\r', '\\': '\\', '"': '"', "'": "'", '0': '\0'}
                    if e == 'x':
                        h = re.match(r'[0-9a-fA-F]+', src[j + 2:]).group(0)
                        buf.append(chr(int(h, 16)))
                        j += 2 + len(h)
                        continue
                    buf.append(m[e])
                    j += 2
                else:
                    buf.append(src[j])
                    j += 1
            out.append(('str', ''.join(buf)))
            i = j + 1
        elif c.isalpha() or c == '_':
            m = re.match(r'[A-Za-z_][A-Za-z0-9_]*', src[i:]).group(0)
            out.append(('id', m))
            i += len(m)
        elif c.isdigit():
            m = re.match(r'[0-9]+', src[i:]).group(0)
            out.append(('num', int(m)))
            i += len(m)
        else:
            out.append(('p', c))
            i += 1
    return out


class Parser:
    def __init__(self, toks):
        self.t, self.i = toks, 0

    def peek(self, k=0):
        return self.t[self.i + k] if self.i + k < len(self.t) else (None, None)

    def expect(self, kind, val=None):
        k, v = self.t[self.i]
        assert k == kind and (val is None or v == val), (self.t[self.i], kind, val, self.t[self.i - 5:self.i + 5])
        self.i += 1
        return v

    def string_expr(self):
        """"a" "b" + token(N) + R"(..)" ... as a list of parts."""
        parts = []
        while True:
            k, v = self.peek()
            if k == 'str':
                self.i += 1
                parts.append(v)
            elif k == 'id' and v == 'token':
                self.i += 1
                self.expect('p', '(')
                parts.append(self.expect('num'))
                self.expect('p', ')')
            else:
                break
            if self.peek() == ('p', '+'):
                self.i += 1
        merged = []
        for p in parts:
            if merged and isinstance(p, str) and isinstance(merged[-1], str):
                merged[-1] += p
            else:
                merged.append(p)
        return merged

    def string_list(self):
        self.expect('p', '{')
        items = []
        while self.peek() != ('p', '}'):
            items.append(self.string_expr())
            if self.peek() == ('p', ','):
                self.i += 1
        self.expect('p', '}')
        return items


def text(parts):
    assert all(isinstance(p, str) for p in parts), parts
    return ''.join(parts)


def integration(src):
    p = Parser(lex(src))
    cases, failing_builds = [], []
    while p.i < len(p.t):
        k, v = p.peek()
        if k == 'id' and v in ('test_grammar', 'test_schema') and p.peek(1) == ('p', '(') and p.peek(2)[0] == 'str':
            p.i += 2
            desc = text(p.string_expr())
            p.expect('p', ',')
            body = text(p.string_expr())
            lists = []
            while p.peek() == ('p', ','):
                p.i += 1
                lists.append(p.string_list())
            p.expect('p', ')')
            cases.append({'kind': 'grammar' if v == 'test_grammar' else 'schema', 'name': desc,
                          'text': body, 'pass': lists[0], 'fail': [s for l in lists[1:] for s in l]})
        elif k == 'id' and v == 'string' and p.peek(2) in (('p', '='),) and p.peek(1)[0] == 'id' \
                and p.peek(1)[1].endswith('_str') and 'left_recursion' in current_function(p):
            p.i += 3
            failing_builds.append(text(p.string_expr()))
        else:
            p.i += 1
    return cases, failing_builds


def current_function(p):
    for j in range(p.i, -1, -1):
        if p.t[j] == ('id', 'void') and p.t[j + 1][0] == 'id':
            return p.t[j + 1][1]
    return ''


def parser_cases(src):
    p = Parser(lex(src))
    ok, fail = [], []
    while p.i < len(p.t):
        k, v = p.peek()
        if k == 'id' and v in ('verify_parsing', 'verify_failure') and p.peek(1) == ('p', '(') \
                and p.peek(2)[0] == 'str':
            p.i += 2
            g = text(p.string_expr())
            if v == 'verify_failure':
                fail.append(g)
            else:
                p.expect('p', ',')
                p.expect('p', '{')
                symbols = {}
                while p.peek() != ('p', '}'):
                    p.expect('p', '{')
                    name = p.expect('str')
                    p.expect('p', ',')
                    symbols[name] = p.expect('num')
                    p.expect('p', '}')
                    if p.peek() == ('p', ','):
                        p.i += 1
                p.expect('p', '}')
                ok.append({'grammar': g, 'symbols': symbols})
        else:
            p.i += 1
    return ok, fail


def schema_cases(src):
    p = Parser(lex(src))
    out = []
    while p.i < len(p.t):
        if p.peek() == ('id', 'test') and p.peek(1) == ('p', '(') and p.peek(2) == ('p', '{') \
                and p.peek(3)[1] in ('SUCCESS', 'FAILURE'):
            p.i += 3
            status = p.expect('id')
            p.expect('p', ',')
            name = text(p.string_expr())
            p.expect('p', ',')
            schema = text(p.string_expr())
            p.expect('p', ',')
            grammar = text(p.string_expr())
            out.append({'status': status, 'name': name, 'schema': schema, 'grammar': grammar})
        else:
            p.i += 1
    return out


def main():
    ref, out = sys.argv[1], sys.argv[2]
    read = lambda n: open(f'{ref}/{n}', encoding='utf-8').read()
    cases, left = integration(read('test-grammar-integration.cpp'))
    ok, fail = parser_cases(read('test-grammar-parser.cpp'))
    schemas = schema_cases(read('test-json-schema-to-grammar.cpp'))
    data = {'source': 'llama.cpp tests (MIT licence), extracted by tools/grammar/extract_llama_grammar_tests.py',
            'integration': cases, 'leftRecursion': left, 'parses': ok, 'parseFailures': fail,
            'schemaToGrammar': schemas}
    with open(out, 'w', encoding='utf-8') as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
    print(f'{len(cases)} integration cases, {len(left)} left-recursion grammars, {len(ok)} parses, '
          f'{len(fail)} parse failures, {len(schemas)} schema cases', file=sys.stderr)


if __name__ == '__main__':
    main()
