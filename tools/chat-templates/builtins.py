#!/usr/bin/env python3
"""Write cove-core/src/test/resources/chat-templates/builtins.json: jinja2's built-in filters,
tests, globals, loop features, statements and the str / dict / list methods the immutable sandbox
allows (or refuses), one small template each, with what Python's jinja2 renders in transformers'
environment (or the error it raises, "KIND: MESSAGE"). Also records the names of every filter,
test and global that environment has, so JinjaBuiltinsTest can tell when one is missing.
JinjaBuiltinsTest renders each with Cove's engine and compares.

  python3 tools/chat-templates/builtins.py [SHARED_DIR]
"""
import datetime
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

CTX = {
    "people": [
        {"name": "Ann", "city": "Oslo", "age": 31, "tags": ["a", "b"]},
        {"name": "bob", "city": "oslo", "age": 25},
        {"name": "Cid", "city": "Rome", "age": 31, "tags": []},
        {"name": "Dee", "age": 40},
    ],
    "tree": [
        {"title": "root", "children": [
            {"title": "a", "children": [{"title": "a1", "children": []}]},
            {"title": "b", "children": []},
        ]},
        {"title": "other", "children": []},
    ],
    "l": [3, 1, 2, 3],
    "words": ["b", "A", "a", "C"],
    "d": {"b": 2, "a": 1, "c": None},
    "s": "Hello World",
    "u": "héllo 🙂 wörld",
    "long": "The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs.",
    "n": 7,
    "f": 2.675,
    "none": None,
    "e": "",
}

SNIPPETS = [
    # groupby: (grouper, list) tuples, attribute paths, default, case sensitivity
    "{% for g in people|groupby('age') %}{{ g.grouper }}:{{ g.list|map(attribute='name')|join(',') }};{% endfor %}",
    "{% for city, ps in people|groupby('city', default='nowhere') %}{{ city }}={{ ps|length }};{% endfor %}",
    "{% for city, ps in people|groupby('city', default='nowhere', case_sensitive=true) %}{{ city }}={{ ps|length }};{% endfor %}",
    "{{ people|groupby('age')|map(attribute='grouper')|list }} {{ (people|groupby('age'))[0][0] }} {{ (people|groupby('age'))[0]['grouper'] }}",
    "{{ [{'a': {'b': 1}}, {'a': {'b': 2}}, {'a': {'b': 1}}]|groupby('a.b')|list }}",
    "{{ [[1, 'x'], [2, 'y'], [1, 'z']]|groupby(0)|list }}",
    "{{ [{'a': 1}, {'a': 2}]|groupby('a')|first|length }} {{ ([]|groupby('a'))|list }}",
    "{{ people|groupby('city') }}",
    # slice and batch
    "{{ l|slice(3)|list }} {{ l|slice(3, 'x')|list }} {{ [1, 2, 3, 4, 5, 6, 7]|slice(3)|list }} {{ []|slice(2)|list }} {{ 'abcde'|slice(2)|list }}",
    "{% for col in [1, 2, 3, 4, 5]|slice(2) %}[{{ col|join(' ') }}]{% endfor %}",
    "{{ l|batch(3)|list }} {{ l|batch(3, 0)|list }} {{ 'abcde'|batch(2)|list }} {{ [1, 2]|batch(5, none)|list }}",
    "{{ [1, 2, 3]|batch(-1)|list }} {{ [1, 2, 3]|batch(-1, 'x')|list }}",
    # sorting, min, max, sum, unique with attributes
    "{{ words|sort }} {{ words|sort(case_sensitive=true) }} {{ words|sort(reverse=true) }}",
    "{{ people|sort(attribute='age')|map(attribute='name')|list }} {{ people|sort(attribute='age,name')|map(attribute='name')|list }}",
    "{{ people|sort(attribute='age', reverse=true)|map(attribute='name')|join }}",
    "{{ people|max(attribute='age') }} {{ people|min(attribute='age') }} {{ words|max }} {{ words|min }} {{ words|max(case_sensitive=true) }}",
    "{{ people|sum(attribute='age') }} {{ l|sum(start=10) }} {{ [[1], [2]]|sum(start=[]) }} {{ [0.5, 1]|sum }}",
    "{{ words|unique|list }} {{ words|unique(case_sensitive=true)|list }} {{ people|unique(attribute='age')|map(attribute='name')|list }}",
    "{{ d|dictsort(by='value', reverse=true) if false else d|dictsort }} {{ {'b': 1, 'A': 2, 'a': 3}|dictsort }} {{ {'b': 1, 'A': 2, 'a': 3}|dictsort(true) }}",
    "{{ {'x': 2, 'y': 1}|dictsort(by='value') }} {{ {'x': 2, 'y': 1}|dictsort(false, 'value', true) }}",
    "{{ {'x': 1}|dictsort(by='nope') }}",
    # map, select, reject with arguments
    "{{ ['a', 'b']|map('replace', 'a', 'z')|list }} {{ [none, 'v']|map('default', 'd')|list }} {{ ['1', 'x']|map('int')|list }} {{ ['1', 'x']|map('int', -1)|list }}",
    "{{ people|map(attribute='tags.0', default='-')|list }} {{ people|map(attribute='name')|map('lower')|list }} {{ people|map('attr', 'name')|list }}",
    "{{ [1, 2, 3, 4, 5, 6]|select('divisibleby', 3)|list }} {{ l|select('equalto', 3)|list }} {{ l|reject('in', [1, 2])|list }} {{ l|select('odd')|list }}",
    "{{ people|selectattr('age', 'gt', 30)|map(attribute='name')|list }} {{ people|rejectattr('city')|map(attribute='name')|list }} {{ people|selectattr('tags')|map(attribute='name')|list }}",
    "{{ people|selectattr('city', 'defined')|list|length }} {{ people|rejectattr('city', 'undefined')|list|length }} {{ people|selectattr('age', 'sameas', 31)|list|length }}",
    "{{ [1, 'a', none, [], {}]|select('string')|list }} {{ [1, 'a', none]|reject('none')|list }} {{ ['a', 'B']|select('lower')|list }}",
    "{{ l|map('nosuch')|list }}",
    "{{ l|select('nosuch')|list }}",
    # number and text filters
    "{{ 2.675|round(2) }} {{ 2.5|round }} {{ 3.5|round }} {{ -2.5|round }} {{ 2.1|round(1, 'ceil') }} {{ 2.19|round(1, 'floor') }} {{ 1234|round(-2) }} {{ 1250|round(-2) }} {{ 3|round(1, 'ceil') }} {{ 1234.5|round(-2, 'floor') }}",
    "{{ 3|round(method='nope') }}",
    "{{ '0x1A'|int(base=16) }} {{ '0b101'|int(base=0) }} {{ '0o17'|int(0, 0) }} {{ '12'|int(0) }} {{ '017'|int(base=8) }} {{ ' 42 '|int }} {{ '1_000'|int }} {{ '4.9'|int }} {{ true|int }} {{ none|int }} {{ ''|int(5) }} {{ 'ff'|int(base=16) }} {{ '-7'|int }}",
    "{{ '1e3'|float }} {{ ' 2 '|float }} {{ 'inf'|float }} {{ '-nan'|float }} {{ 'x'|float(1.5) }} {{ 3|float }} {{ true|float }} {{ none|float }}",
    "{{ 0|filesizeformat }} {{ 1|filesizeformat }} {{ 999|filesizeformat }} {{ 1000|filesizeformat }} {{ 1536|filesizeformat(true) }} {{ 123456789|filesizeformat }} {{ '2048'|filesizeformat(binary=true) }} {{ 1e30|filesizeformat }} {{ 2.5|filesizeformat }}",
    "{{ 'x'|filesizeformat }}",
    "{{ 'hello'|center(11) }}|{{ 'hello'|center(4) }}|{{ 'hi'|center }}|{{ 'ab'|center(5) }}|",
    "{{ long|truncate(20) }}|{{ long|truncate(20, true) }}|{{ long|truncate(20, end='>') }}|{{ long|truncate(86) }}|{{ long|truncate(80, leeway=0) }}|{{ 'ab cd'|truncate(3, leeway=0) }}|{{ u|truncate(9, true, leeway=0) }}",
    "{{ 'abcdef'|truncate(2, leeway=0) }}",
    "{{ long|wordwrap(20) }}|{{ long|wordwrap(20, wrapstring='<br>') }}|{{ 'a-very-long-hyphenated-word here'|wordwrap(10) }}|{{ 'a-very-long-hyphenated-word here'|wordwrap(10, break_on_hyphens=false) }}",
    "{{ 'supercalifragilistic word'|wordwrap(8) }}|{{ 'supercalifragilistic word'|wordwrap(8, false) }}|{{ 'line one\\nline two is longer\\n\\nend'|wordwrap(9) }}|{{ '  lead  and  gaps  '|wordwrap(6) }}",
    "{{ 'one two\\tthree, four. Five!'|wordwrap(6) }}|{{ ''|wordwrap(5) }}|{{ 'x'|wordwrap(1) }}|{{ u|wordwrap(7) }}",
    "{{ 'a b'|wordwrap(0) }}",
    "{{ 'one  two\\nthree'|wordcount }} {{ u|wordcount }} {{ 'it\\'s a_b 12'|wordcount }} {{ ''|wordcount }}",
    "{{ 'a b&c/d?é'|urlencode }} {{ {'k': 'v w', 'x&': 1}|urlencode }} {{ [('a', 1), ('b', 'c d')]|urlencode }} {{ 42|urlencode }} {{ '~-_.'|urlencode }}",
    "{{ {'class': 'x', 'id': none, 'data-v': '<\"q\">'}|xmlattr }}|{{ {'a': 1}|xmlattr(false) }}|{{ {}|xmlattr }}|",
    "{{ {'bad key': 1}|xmlattr }}",
    "{{ [1]|random }} {{ 'a'|random }} {{ []|random }}|",
    "{{ '<x>'|forceescape }} {{ '<x>'|e|forceescape }} {{ '<x>'|escape|escape }} {{ '<x>'|safe|e }} {{ 5|e }} {{ none|e }}",
    "{{ d|attr('a') }}|{{ d|attr('items') is callable }}|{{ 'abc'|attr('upper') is callable }}|{{ people[0]|attr('nope') }}|",
    "{{ 'x'|attr('__class__') }}",
    "{{ l|join('-', attribute=0) if false else people|join(', ', attribute='name') }} {{ [1, 2]|join }}",
    "{{ 'a\\n\\nb'|indent }}|{{ 'a\\nb'|indent('> ') }}|{{ 'a\\n  \\nb'|indent(2, blank=true) }}|{{ 'a\\nb'|indent(width=1, first=true) }}|{{ ''|indent(2, true) }}|{{ 'x\\n'|indent(2) }}",
    "{{ 'abc'|reverse }} {{ l|reverse|list }} {{ l|last }} {{ 'abc'|last }} {{ l|first }} {{ 'abc'|first }} {{ (l|reverse|list)[0] }}",
    "{{ d|items|list }} {{ q|items|list }} {{ l|list }} {{ 'ab'|list }} {{ d|list }} {{ l|count }} {{ d|length }}",
    "{{ none|items|list }}",
    "{{ s|replace('o', '0') }} {{ s|replace('l', 'L', 2) }} {{ s|replace('', '.') }} {{ s|lower }} {{ s|upper }} {{ s|capitalize }} {{ 'a b-c(d'|title }}",
    "{{ '%s and %s'|format('a', 'b') }} {{ '%(x)s!'|format(x=1) }} {{ '%5.1f|%-4d|%03d|%x|%o|%e|%+d|%c'|format(3.14159, 7, 5, 255, 8, 12345.678, 3, 65) }}",
    "{{ '%g %g %g %G %.3g %10.4e %#x %#o %%'|format(0.0001, 1e20, 123456789, 1e-10, 2.0, 31415.9, 255, 8) }}",
    "{{ '%s %r %a'|format('é', 'é', 'é') }} {{ '%(a)s-%(b)d'|format(a='x', b=2) }} {{ '%-6s|%6s|'|format('ab', 'cd') }} {{ '%.2s'|format('abcdef') }}",
    "{{ '%d'|format('x') }}",
    "{{ '%.3d|%5.2s|%+.1e|%#.0f|%-5x|%05d|% d|%.0g|%#g|%r|%c|%*d|%-*d|%.*f|%05s|%-05d|%X'|format(5, 'abc', 1234.5, 2.0, 255, -42, 3, 0.5, 1.0, 'x', 'z', 4, 7, 3, 1, 2, 3.14159, 'ab', 3, 3054) }}",
    "{{ '%x' % 1.5 }}",
    "{{ '%(a)s' % {'b': 1} }}",
    "{{ '%y' % 1 }}",
    "{{ '%s %s' % ('a',) }}",
    "{{ '{:.3}|{:.3}|{:.3}|{:.1}|{:.2}|{:.2}|{:10}|{:>5}|{:010,}|{:+}|{:>6}|{:#X}|{:#x}|{:=+6}|{:g}|{:G}|{:.3g}|{:,.1f}|{:c}|{:%}|{:_x}'.format(100.0, 1234.0, 1.0, 10.0, 99.0, 0.001, 1.5, true, 1234, -0.0, 'x', 255, -255, 5, 1e100, 123.456, 0.000012345, 1234567.0, 65, 0.5, 12345678) }}",
    "{{ '{:.0f} {:.0f} {:.1f} {:.2e} {:.0e} {:e} {:.3f} {:f} {:08.2f} {:-^7}'.format(2.5, 3.5, 0.25, 0.0, 15.5, 0, 1e20, 1.5, -1.5, 'x') }}",
    "{{ '{:d}'.format('x') }}",
    "{{ '{:.2d}'.format(1) }}",
    "{{ '{:>5}'.format(none) }}",
    "{{ '{:=5}'.format('s') }}",
    "{{ '{:+}'.format('s') }}",
    "{{ '{:q}'.format(1) }}",
    "{{ '{'.format(1) }}",
    # tests
    "{{ 'x'|safe is escaped }} {{ 'x' is escaped }} {{ 'x'|e is escaped }} {{ 6 is divisibleby 3 }} {{ 7 is divisibleby(2) }} {{ 7.0 is divisibleby 3.5 }}",
    "{{ '123' is lower }} {{ 'abc' is lower }} {{ 'ABC1' is upper }} {{ '' is upper }} {{ 'Ab' is lower }} {{ 5 is lower }}",
    "{{ 1 is number }} {{ true is number }} {{ true is integer }} {{ 1.0 is integer }} {{ 1 is float }} {{ none is boolean }} {{ false is boolean }} {{ 1 is true }} {{ true is true }}",
    "{{ d is sequence }} {{ 'x' is sequence }} {{ (l|map('string')) is sequence }} {{ (l|map('string')) is iterable }} {{ 3 is iterable }} {{ d is iterable }} {{ none is mapping }}",
    "{{ 'upper' is filter }} {{ 'groupby' is filter }} {{ 'nope' is filter }} {{ 'odd' is test }} {{ 'nope' is test }} {{ range is callable }} {{ d.get is callable }} {{ 3 is callable }}",
    "{{ 2 is in [1, 2] }} {{ 'a' is in 'cat' }} {{ 2 is eq 2 }} {{ 2 is ne 2 }} {{ 2 is lt 3 }} {{ 2 is le 2 }} {{ 2 is ge 3 }} {{ 2 is gt 1 }} {{ 2 is greaterthan 1 }} {{ 2 is lessthan 1 }}",
    "{{ none is sameas none }} {{ l is sameas l }} {{ [] is sameas [] }} {{ true is sameas 1 }}",
    "{{ q is undefined }} {{ none is defined }} {{ d.c is none }} {{ d.z is undefined }} {{ 4 is even }} {{ -3 is odd }}",
    # globals
    "{{ dict(a=1, b=2) }} {{ dict([('x', 1), ['y', 2]]) }} {{ dict(d, z=0) }} {{ dict() }} {{ dict({'a': 1}, a=2) }}",
    "{% set c = cycler('a', 'b', 'c') %}{{ c.next() }}{{ c.next() }}{{ c.current }}{{ c.next() }}{{ c.next() }}{% set _ = c.reset() %}{{ c.current }}",
    "{% set c = cycler('x') %}{% for i in range(3) %}{{ c.next() }}{% endfor %}{{ c.items }}",
    "{% set j = joiner() %}{{ j() }}{{ j() }}{{ j() }}|{% set k = joiner(' | ') %}{% for x in 'ab' %}{{ k() }}{{ x }}{% endfor %}",
    "{% set ns = namespace(a=1, b=[]) %}{% set ns.a = ns.a + 1 %}{{ ns.a }} {{ ns.b }} {{ namespace({'x': 1}, y=2).x }} {{ ns.missing is defined }}",
    "{{ range(0) }}|{{ range(3) }}|{{ range(2, 5) }}|{{ range(10, 0, -3)|list }}|{{ range(3)|length }}|{{ range(3)[1] }}|{{ 2 in range(3) }}|{{ range(1, 10, 2)[-1] }}",
    "{{ range(1, 2, 0) }}",
    # loops
    "{% for i in 'abc' %}{{ loop.revindex0 }}{{ loop.depth }}{{ loop.depth0 }}{% endfor %}",
    "{% for x in [1, 1, 2, 3, 3] %}{% if loop.changed(x) %}{{ x }}{% endif %}{% endfor %}|{% for x in [1, 1] %}{{ loop.changed(x) }}{{ loop.changed(x) }}{% endfor %}",
    "{% for p in people %}{% if loop.changed(p.age) %}[{{ p.age }}]{% endif %}{{ p.name }}{% endfor %}",
    "{% for x in l %}{{ loop.cycle('odd', 'even') }}{{ loop.previtem is defined }}{{ loop.nextitem|default('-') }} {% endfor %}",
    "{% for node in tree recursive %}{{ node.title }}{% if node.children %}({{ loop(node.children) }}){% endif %}{% if not loop.last %},{% endif %}{% endfor %}",
    "{% for node in tree recursive %}{{ loop.depth }}{{ loop.depth0 }}{{ node.title }}:{{ loop.index }}/{{ loop.length }} {{ loop(node.children) }}{% endfor %}",
    "{% for node in tree recursive %}{{ '  ' * loop.depth0 }}- {{ node.title }}\n{{ loop(node.children) }}{% endfor %}",
    "{% for k, v in {'a': {'b': {'c': 1}}}.items() recursive %}{{ k }}{% if v is mapping %}[{{ loop(v.items()) }}]{% else %}={{ v }}{% endif %}{% endfor %}",
    "{% for n in tree if n.title != 'b' recursive %}{{ n.title }}{{ loop(n.children) }}{% else %}none{% endfor %}",
    "{% for n in tree recursive %}{% if loop.depth > 1 %}{% break %}{% endif %}{{ n.title }}{{ loop(n.children) }}{% endfor %}",
    "{% for x in [1, 2] %}{% for y in 'ab' %}{{ loop.depth }}{{ y }}{% endfor %}{{ loop.depth }}{% endfor %}",
    "{% for x in l %}{{ x }}{% else %}no{% endfor %}|{% for x in l if x > 5 %}{{ x }}{% else %}none{% endfor %}|{% for x in l %}{{ loop.length }}{% endfor %}",
    "{% for a, b in [(1, 2), (3, 4)] %}{{ a + b }}{% endfor %} {% for (a, b) in [[1, 2]] %}{{ a }}{{ b }}{% endfor %} {% for a, (b, c) in [(1, (2, 3))] %}{{ a }}{{ b }}{{ c }}{% endfor %}",
    "{% for x in l %}{{ loop(x) }}{% endfor %}",
    "{% for x in 3 %}{% endfor %}",
    # statements
    "{% set x %}a{{ n }}b{% endset %}{{ x }}|{% set y | upper | replace('A', '4') %}abc{% endset %}{{ y }}|{% set z | trim %}  sp  {% endset %}[{{ z }}]",
    "{% filter upper %}a{{ 'b' }}{% endfilter %}|{% filter replace('x', 'y')|title %}x and x{% endfilter %}|{% filter indent(2, true) %}p\nq{% endfilter %}",
    "{% with a = 1, b = 2 %}{{ a + b }}{% with a = 5 %}{{ a + b }}{% endwith %}{{ a }}{% endwith %}[{{ a }}]",
    "{% with %}{% set inner = 1 %}{{ inner }}{% endwith %}[{{ inner }}]",
    "{% macro box(title) %}[{{ title }}:{{ caller() }}]{% endmacro %}{% call box('t') %}inside {{ n }}{% endcall %}",
    "{% macro each(items) %}{% for i in items %}{{ caller(i, loop.index) }}{% endfor %}{% endmacro %}{% call(item, idx) each(['a', 'b']) %}{{ idx }}={{ item }};{% endcall %}",
    "{% macro m(a, b=2) %}{{ a }}{{ b }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1) }} {{ m(1, 3, 4, 5) }} {{ m(1, x=9) }} {{ m(b=0, a=1) }}",
    "{% macro m() %}{{ varargs|length }}{{ kwargs|dictsort }}{% endmacro %}{{ m(1, 2, k=3, a=4) }}",
    "{% macro m(x) %}{{ x }}{% endmacro %}{{ m.name }} {{ m.arguments }} {{ m.catch_kwargs }} {{ m.catch_varargs }} {{ m.caller }}",
    "{% macro outer() %}{% macro inner() %}in{% endmacro %}{{ inner() }}-{{ caller() }}{% endmacro %}{% call outer() %}c{% endcall %}",
    "{% set a = 1 %}{% if true %}{% set a = 2 %}{% endif %}{{ a }}{% for i in [1] %}{% set a = 3 %}{% endfor %}{{ a }}",
    "{% raw %}{% if %}{{ x }}{% endraw %}|{%- raw -%}  y  {%- endraw -%}|",
    # str methods
    "{{ 'Hello'.swapcase() }} {{ 'ß'.swapcase() }} {{ 'Straße'.casefold() }} {{ 'ABC'.casefold() }}",
    "{{ 'a=b=c'.partition('=') }} {{ 'a=b=c'.rpartition('=') }} {{ 'abc'.partition('x') }} {{ 'abc'.rpartition('x') }}",
    "{{ 'a\\tbc\\td'.expandtabs() }}|{{ 'a\\tbc\\td'.expandtabs(4) }}|{{ 'x\\ny\\tz'.expandtabs(2) }}|{{ '\\t'.expandtabs(0) }}|",
    "{{ 'Hello World'.istitle() }} {{ 'Hello world'.istitle() }} {{ ''.istitle() }} {{ ' \\t'.isspace() }} {{ ''.isspace() }} {{ 'abc'.isascii() }} {{ 'é'.isascii() }} {{ '_a1'.isidentifier() }} {{ '1a'.isidentifier() }} {{ 'a\\n'.isprintable() }} {{ 'ab'.isprintable() }}",
    "{{ 'abcabc'.index('c') }} {{ 'abcabc'.rindex('c') }} {{ 'abcabc'.find('c', 3) }} {{ 'abcabc'.find('a', 1, 3) }} {{ 'abcabc'.rfind('a', 0, 3) }} {{ 'abcabc'.count('a', 1) }} {{ 'abc'.startswith('b', 1) }} {{ 'abc'.endswith('b', 0, 2) }}",
    "{{ 'abc'.index('z') }}",
    "{{ '42'.zfill(5) }} {{ '-42'.zfill(5) }} {{ 'ab'.ljust(4, '*') }} {{ 'ab'.rjust(4) }} {{ 'ab'.center(6, '-') }} {{ 'abc'.center(6) }}",
    "{{ '{a}-{b}'.format_map({'a': 1, 'b': 'x'}) }} {{ 'x'.join('abc') }} {{ ','.join(l|map('string')) }}",
    "{{ '{:,}'.format(1234567) }} {{ '{:_}'.format(1234567) }} {{ '{:x}'.format(255) }} {{ '{:#b}'.format(5) }} {{ '{:o}'.format(8) }} {{ '{:X}'.format(255) }} {{ '{:+d}'.format(3) }} {{ '{: d}'.format(3) }} {{ '{:e}'.format(12345.678) }} {{ '{:.2%}'.format(0.256) }} {{ '{:g}'.format(0.00001) }} {{ '{:08.3f}'.format(-3.14159) }} {{ '{:,.2f}'.format(1234567.891) }}",
    "{{ '{0!r:>8}'.format('a') }} {{ '{:*^9}'.format('mid') }} {{ '{:>{w}}'.format('r', w=4) }} {{ '{0[0]}{0[1]}'.format('ab') }} {{ '{0.a}'.format({'a': 1}) if false else '{x[k]}'.format(x={'k': 'v'}) }} {{ '{}'.format(none) }} {{ '{:5}|{:<5}|'.format(1, 2) }} {{ '{!s}'.format(1.5) }}",
    "{{ '²'.isdigit() }} {{ '²'.isdecimal() }} {{ '½'.isnumeric() }} {{ '½'.isdigit() }} {{ '٣'.isdecimal() }} {{ 'x1'.isalnum() }} {{ 'é'.isalpha() }}",
    "{{ 'Ǆ'.lower() }} {{ 'ǆ'.title() }} {{ 'ﬁ'.upper() }} {{ 'İ'.lower()|length }} {{ 'σς'.upper() }} {{ 'ΑΣ'.lower() }}",
    "{{ 'a,b'.split(',', maxsplit=1) }} {{ 'a b  c'.rsplit(None, 1) }} {{ 'a\\r\\nb\\rc'.splitlines(true) }} {{ 'xxhixx'.strip('x') }} {{ '  a  '.lstrip() }}|{{ 'aXb'.lower().upper() }}",
    "{{ 'hello'.removeprefix('he') }} {{ 'hello'.removesuffix('lo') }} {{ 'hello'.removeprefix('x') }} {{ 'abc'.title() }} {{ 'abc'.capitalize() }}",
    "{{ s.nosuchmethod }}|{{ s.nosuchmethod is defined }}",
    "{{ s.nosuchmethod() }}",
    # dict and list methods, the immutable sandbox
    "{{ d.items() }} {{ d.keys() }} {{ d.values() }} {{ d.keys()|list }} {{ 'a' in d.keys() }} {{ d.items()|length }} {{ d.copy() }} {{ d.get('a', 5) }} {{ d.get('z', 5) }}",
    "{{ {}.fromkeys(['a', 'b']) }} {{ {}.fromkeys('xy', 0) }}",
    "{{ d.setdefault('x', 1) }}",
    "{{ d.popitem() }}",
    "{{ d.clear() }}",
    "{{ l.index(3) }} {{ l.index(3, 1) }} {{ l.count(3) }} {{ l.copy() }} {{ (1, 2, 1).count(1) }} {{ (1, 2).index(2) }}",
    "{{ l.index(9) }}",
    "{{ l.insert(0, 1) }}",
    "{{ l.extend([1]) }}",
    "{{ l.remove(1) }}",
    "{{ l.sort() }}",
    "{{ l.reverse() }}",
    "{{ l.pop() }}",
    "{{ l.clear() }}",
    "{{ l.__len__() }}",
    "{{ d.__class__ }}",
    "{{ range.__call__ }}",
    "{{ l|attr('append') }}",
    "{{ d.pop }}",
    "{{ l.append is defined }}",
    # bad input to the constructs above
    "{{ l|slice(0)|list }}",
    "{{ l|groupby|list }}",
    "{{ dict([1]) }}",
    "{{ dict([(1, 2, 3)]) }}",
    "{{ dict(1, 2) }}",
    "{{ cycler() }}",
    "{{ 'a'.partition('') }}",
    "{{ 'a'.partition(1) }}",
    "{{ 'a'.expandtabs('x') }}",
    "{{ 'a'.find() }}",
    "{{ 'a b'|wordwrap('x') }}",
    "{{ 'x'|batch('a')|list }}",
    "{{ [(1, 2, 3)]|urlencode }}",
    "{{ 5|xmlattr }}",
    "{{ 1|round('x') }}",
    "{{ 'x'|round }}",
    "{% for x in [[1], [2]] recursive %}{{ loop() }}{% endfor %}",
    "{% for a, (b, c) in [(1, 2)] %}{% endfor %}",
    "{{ range(3) + [1] }}",
    "{{ d.keys()[0] }}|{{ d.keys()|first }}|{{ d.items()|list|first }}",
    "{{ d.keys()|tojson }}",
    "{{ range(3)|tojson }}",
    "{{ range(10)[2:5] }} {{ range(10)[::-3] }} {{ range(3) == range(3) }} {{ range(3) == [0, 1, 2] }} {{ range(2, 9, 3).step }}",
]


def main():
    shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "..", "shared")
    sys.path.insert(0, os.path.join(shared, "tools"))
    from render_chat_templates import environment  # noqa: E402
    now = "2026-03-04T09:05:06"
    env = environment(datetime.datetime.fromisoformat(now))
    cases = []
    for src in SNIPPETS:
        case = {"template": src}
        try:
            case["expected"] = env.from_string(src).render(**CTX)
        except Exception as e:
            case["error"] = f"{type(e).__name__}: {e}"
        cases.append(case)
    names = {"filters": sorted(env.filters), "tests": sorted(env.tests), "globals": sorted(env.globals)}
    out = os.path.join(REPO, "cove-core", "src", "test", "resources", "chat-templates", "builtins.json")
    json.dump({"now": now, "context": CTX, "names": names, "cases": cases}, open(out, "w", encoding="utf-8"),
              ensure_ascii=False, indent=1)
    print(f"{len(cases)} snippets", file=sys.stderr)


if __name__ == "__main__":
    main()
