#!/usr/bin/env python3
"""Write cove-core/src/test/resources/chat-templates/snippets.json: small templates exercising one
Jinja feature each, with what Python's jinja2 renders in transformers' environment (or the error it
raises, "KIND: MESSAGE"). JinjaSnippetsTest renders each with Cove's engine and compares.

  python3 tools/chat-templates/snippets.py [SHARED_DIR]
"""
import datetime
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

CTX = {"s": "  Hello, World!  ", "n": 7, "f": 2.5, "l": [3, 1, 2], "d": {"b": 2, "a": 1},
       "msgs": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo", "x": None}],
       "e": "", "u": "héllo wörld ß 🙂", "none": None, "t": True}

SNIPPETS = [
    # whitespace control
    "a\n  {% if true %}\n  b\n  {% endif %}\nc",
    "a  {%- if true -%}  b  {%- endif -%}  c",
    "x {{- ' y ' -}} z",
    "  {%+ if true %}k{% endif %}",
    "{# comment #}\nafter",
    "  {# c #}  \nx",
    "{% raw %}{{ not evaluated }}{% endraw %}",
    "line\n{% for i in l %}\n  {{ i }}\n{% endfor %}\nend\n",
    # literals and printing
    "{{ none }} {{ true }} {{ false }} {{ 1.0 }} {{ 1e20 }} {{ 0.1 + 0.2 }} {{ 10 / 4 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 2 ** 10 }}",
    "{{ [1, 'a', none, true, 1.5] }} {{ {'k': 'v', 'n': [1]} }} {{ (1,) }} {{ (1, 2) }} {{ 'it\\'s' }} {{ ['it\\'s', 'a\"b'] }}",
    "{{ 'tab\\there\\nnew' }}|{{ ['tab\\t', '\\u00e9', '\\x00'] }}",
    "{{ 'a' 'b' }} {{ 'x' ~ 1 ~ none ~ true }} {{ 'ab' * 3 }} {{ [1] * 3 }} {{ [1] + [2] }}",
    # tests and comparisons
    "{{ n is defined }} {{ q is defined }} {{ none is none }} {{ s is string }} {{ d is mapping }} {{ l is iterable }} {{ n is number }} {{ f is float }} {{ n is integer }} {{ t is boolean }} {{ l is sequence }} {{ q is iterable }}",
    "{{ n is divisibleby 7 }} {{ n is odd }} {{ n is even }} {{ 1 < n < 10 }} {{ n == 7.0 }} {{ 'a' in 'cat' }} {{ 'b' not in d }} {{ 3 in l }} {{ n is not none }} {{ 1 == true }} {{ n is sameas 7 }}",
    "{{ 'abc' < 'abd' }} {{ [1, 2] < [1, 3] }} {{ l == [3, 1, 2] }} {{ d == {'a': 1, 'b': 2} }}",
    # filters
    "{{ s|trim }}|{{ s|length }}|{{ u|length }}|{{ s|upper }}|{{ s|lower }}|{{ 'hello wOrld-x'|title }}|{{ 'hELLO'|capitalize }}",
    "{{ l|first }} {{ l|last }} {{ l|join(',') }} {{ l|sort|list }} {{ l|sort(reverse=true) }} {{ l|max }} {{ l|min }} {{ l|sum }} {{ l|reverse|list }}",
    "{{ d|items|list }} {{ d|dictsort }} {{ d|list }} {{ q|default('dflt') }} {{ e|default('x', true) }} {{ none|default('y') }}",
    "{{ msgs|map(attribute='role')|join('/') }} {{ msgs|selectattr('role', 'equalto', 'user')|list|length }} {{ msgs|rejectattr('x', 'none')|list|length }} {{ msgs|selectattr('x', 'defined')|list|length }}",
    "{{ [1, 0, 2]|select|list }} {{ [1, 0, 2]|reject|list }} {{ ['a', 'A', 'b']|unique|list }} {{ ['a', 'b']|map('upper')|list }}",
    "{{ 'x'|int }} {{ '42'|int }} {{ '3.7'|int }} {{ 3.7|int }} {{ '2.5'|float }} {{ 'z'|float }} {{ -3|abs }} {{ 2.567|round(2) }} {{ 2.5|round }} {{ 3|round }}",
    "{{ 'a\\nb\\n\\nc'|indent(2) }}|{{ 'a\\nb'|indent(3, first=true) }}|{{ 'a\\n\\nb'|indent(2, blank=true) }}",
    "{{ 'one two  three'|wordcount }} {{ 'aXbXc'|replace('X', '-') }} {{ 'aXbXc'|replace('X', '-', 1) }} {{ l|batch(2)|list }} {{ 5|string ~ 'x' }}",
    "{{ d|tojson }} {{ msgs|tojson }} {{ 'é\"\\n'|tojson }} {{ [1.5, none, true]|tojson }} {{ d|tojson(indent=2) }} {{ {}|tojson(indent=2) }} {{ d|tojson(sort_keys=true) }}",
    "{{ u|tojson(ensure_ascii=true) }} {{ {'k': [1, {'z': []}]}|tojson(indent=4) }}",
    "{{ '<a href=\"x\">&</a>'|e }} {{ 'x'|safe + '<b>' }} {{ '<b>' + 'x'|safe }} {{ ('x'|safe) ~ '<b>' }}",
    # str / dict / list methods
    "{{ s.strip() }}|{{ s.lstrip() }}|{{ s.rstrip() }}|{{ 'xxaxx'.strip('x') }}|{{ 'a,b,,c'.split(',') }}|{{ ' a  b '.split() }}|{{ 'a b c'.split(' ', 1) }}|{{ 'a b c'.rsplit(' ', 1) }}",
    "{{ s.startswith('  H') }} {{ s.endswith(('x', '  ')) }} {{ 'abc'.replace('b', 'B') }} {{ 'abc'.upper() }} {{ 'ABC'.lower() }} {{ \"they're bill's\".title() }} {{ 'abc'.find('c') }} {{ 'abcb'.count('b') }}",
    "{{ '{} and {}'.format('x', 1) }} {{ '{0}{1}{0}'.format('a', 'b') }} {{ '{name}!'.format(name='N') }} {{ '{:>5}|{:<4}|{:^5}|{:.2f}|{!r}'.format('r', 'l', 'c', 3.14159, 'q') }}",
    "{{ d.get('a') }} {{ d.get('z') }} {{ d.get('z', 0) }} {{ d.keys()|list }} {{ d.values()|list }} {{ d.items()|list }} {{ d['a'] }} {{ d.a }} {{ l.index(1) }} {{ 'a\\nb\\r\\nc'.splitlines() }}",
    "{{ '%s-%d' % ('a', 3) }} {{ '%s' % 'x' }} {{ '%5s|%-3d|%.1f' % ('r', 2, 2.25) }}",
    # slicing, subscripts
    "{{ l[0] }} {{ l[-1] }} {{ l[1:] }} {{ l[::-1] }} {{ l[:-1] }} {{ 'abcdef'[1:4] }} {{ 'abcdef'[::-2] }} {{ 'abcdef'[-2:] }} {{ u[::-1] }} {{ u[-1] }} {{ l[5:] }} {{ l[10] }}",
    # control flow
    "{% for i in l %}{{ loop.index }}{{ loop.index0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.revindex }}{% if not loop.last %},{% endif %}{% endfor %}",
    "{% for i in l if i > 1 %}{{ i }}{{ loop.length }}{% else %}none{% endfor %}|{% for i in [] %}x{% else %}empty{% endfor %}",
    "{% for i in l %}{% if i == 1 %}{% continue %}{% endif %}{% if i == 2 %}{% break %}{% endif %}{{ i }}{% endfor %}",
    "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}{% for k in d %}{{ k }}{% endfor %}",
    "{% for c in 'ab🙂' %}[{{ c }}]{% endfor %}{% for x in l %}{{ loop.previtem }}-{{ loop.nextitem }}/{{ loop.cycle('a', 'b') }} {% endfor %}",
    "{% if n > 10 %}big{% elif n > 5 %}mid{% else %}small{% endif %} {{ 'y' if t else 'n' }} {{ 'y' if none }}|",
    "{% set x = 1 %}{% for i in l %}{% set x = i %}{% endfor %}{{ x }}{% set ns = namespace(v=0) %}{% for i in l %}{% set ns.v = ns.v + i %}{% endfor %}{{ ns.v }}",
    "{% set a, b = [1, 2] %}{{ a }}{{ b }}{% set blk %}inner {{ n }}{% endset %}[{{ blk }}]{% set up | upper %}shout{% endset %}{{ up }}",
    "{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet('A') }} {{ greet('B', '?') }} {{ greet(name='C') }} {{ greet() }}",
    "{% macro rec(k) %}{% if k > 0 %}{{ k }}{{ rec(k - 1) }}{% endif %}{% endmacro %}{{ rec(4) }}",
    "{% macro wrap() %}<{{ caller() }}>{% endmacro %}{% call wrap() %}body{% endcall %}",
    "{% filter upper %}up {{ n }}{% endfilter %} {% with z = 5 %}{{ z }}{% endwith %}{{ z }}",
    "{% generation %}gen {{ n }}{% endgeneration %}",
    "{{ range(3)|list }} {{ range(1, 7, 2)|list }} {{ range(5, 0, -2)|list }} {{ dict(a=1) }} {{ namespace(a=1).a }} {{ strftime_now('%Y-%m-%d %H:%M %b %B %a %-d') }}",
    "{% set j = joiner(', ') %}{% for i in l %}{{ j() }}{{ i }}{% endfor %}",
    # undefined behaviour
    "[{{ q }}][{{ q|length }}][{{ q ~ 'x' }}][{% for i in q %}x{% endfor %}][{{ msgs[0].nothing }}][{{ none.x }}]",
    "{{ q.x }}",
    "{{ msgs[0].nothing.deeper }}",
    "{{ q + 1 }}",
    "{{ msgs[5].role }}",
    "{{ none.x.y }}",
    "{{ d.missing }}{{ d['missing'].x }}",
    # scoping and more printing
    "{% for i in l %}{% if loop.first %}{% set y = 'first' %}{% endif %}[{{ y }}]{% endfor %}",
    "{% set x = 'outer' %}{% macro m() %}{{ x }}{% endmacro %}{% set x = 'changed' %}{{ m() }}",
    "{% for a in [1, 2] %}{% for b in [3, 4] %}{{ loop.index }}{{ a }}{{ b }} {% endfor %}{{ loop.index }}|{% endfor %}",
    "{% macro m(a) %}{{ a }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, 3, k=4) }}",
    "{% macro w() %}[{{ caller(1, 2) }}]{% endmacro %}{% call(a, b) w() %}{{ a + b }}{% endcall %}",
    "{% set d2 = {'a': {'b': [1, {'c': 'deep'}]}} %}{{ d2.a.b[1].c }}{{ d2['a']['b'][0] }}",
    "{{ '%s'|format('x') }} {{ ' '.join(['a', 'b']) }} {{ l|join }} {{ l|map('string')|join(',') }} {{ [3, 1, 2]|sort|first }}",
    "{{ 1/3 }} {{ 1e-5 }} {{ 0.0001 }} {{ 123456789012345678.0 }} {{ -0.0 }} {{ 1e16 }} {{ 1e15 }} {{ 2.0 ** 0.5 }} {{ 'ab' ~ 1.5 }}",
    "{{ d|length }} {{ 'abc'|list }} {{ {'a': 1}.items()|list }} {{ msgs|length > 0 and true }} {{ none is none or x }}",
    "{% if s is string and s.startswith('  ') %}yes{% endif %} {{ msgs[0]['role'] }} {{ msgs[-1].content|upper }}",
    "{% for m in msgs %}{% if m.role == 'user' %}{% set ns = namespace(c=m.content) %}{% endif %}{% endfor %}{{ ns is defined }}",
    "{%- for m in msgs -%}\n  {{- m.role }}: {{ m.content }}\n{% endfor -%}\n{%- if true %}  end{% endif %}",
    "{{ msgs|selectattr('role', 'in', ['user'])|map(attribute='content')|list }} {{ l|select('gt', 1)|list }} {{ l|reject('equalto', 1)|list }}",
    "{{ msgs|map(attribute='missing', default='D')|list }} {{ msgs|map(attribute='missing')|list }}",
    "{{ 'a-b_c d'.split('-') }} {{ 'x=1;y=2'.split(';')|map('trim')|list }} {{ 'A'.isupper() }} {{ '12'.isdigit() }}",
    "{{ x }}|{{ loop }}|{{ d.get is callable }}",
    "{% set t = (1, 'a') %}{{ t[0] }}{{ t|length }}{{ t }}{% set a, b = t %}{{ b }}",
    # errors
    "{{ raise_exception('Custom failure!') }}",
    "{% for i in none %}{% endfor %}",
    "{{ 'a' + 1 }}",
    "{{ 1 + 'a' }}",
    "{{ [1] + 'a' }}",
    "{{ n() }}",
    "{{ 1 / 0 }}",
    "{{ l.append(4) }}",
    "{{ d.pop('a') }}",
    "{{ d.update({}) }}",
    "{{ 'abc'.__class__ }}",
    "{{ 'x' < 1 }}",
    "{{ 5|length }}",
    "{{ 'a'|items|list }}",
    "{{ q|tojson }}",
    "{{ l|map('upper')|tojson }}",
    "{{ range(10**6)|length }}",
    "{% set x.y = 1 %}",
    "{% set a, b = [1] %}",
    "{% if true %}{{ x|nosuchfilter }}{% endif %}",
    "{% if n > 100 %}{{ x|nosuchfilter }}{% endif %}ok",
    "{% if true %}{{ x is nosuchtest }}{% endif %}",
    "{{ 'a' in 1 }}",
    "{{ {[1]: 2} }}",
    "{{ -'a' }}",
    "{{ 'a' * 'b' }}",
    "{{ 'x'.split('') }}",
    "{{ ([]|first).x }}",
    "{{ ([]|max).x }}",
    "{{ ('a' if false).x }}",
    "{% macro m(p) %}{{ p.x }}{% endmacro %}{{ m() }}",
    "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, 2) }}",
    "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(b=1) }}",
    "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, a=2) }}",
    "{% macro m() %}x{% endmacro %}{% call m() %}y{% endcall %}",
    "{% macro m(a) %}{{ a }}{{ kwargs }}{% endmacro %}{{ m(1, z=2, y=3) }}",
]

SYNTAX_ERRORS = [
    "{% if x %}unclosed",
    "{% for x in l %}",
    "{{ x x }}",
    "{% endif %}",
    "{% frobnicate %}",
    "{{ 1 +  }}",
    "{{ x|nosuchfilter }}",
    "{{ x is nosuchtest }}",
    "{% macro m(a=1, b) %}{% endmacro %}",
    "{{ 'unterminated }}",
    "{{ (1, 2 }}",
    "{% set %}",
    "text {{ x",
    "{# never closed",
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
    for src in SYNTAX_ERRORS:
        try:
            env.from_string(src).render(**CTX)
            raise SystemExit(f"expected a syntax error from {src!r}")
        except Exception as e:
            cases.append({"template": src, "syntaxError": type(e).__name__})
    out = os.path.join(REPO, "cove-core", "src", "test", "resources", "chat-templates", "snippets.json")
    json.dump({"now": now, "context": CTX, "cases": cases}, open(out, "w", encoding="utf-8"), ensure_ascii=False, indent=1)
    print(f"{len(cases)} snippets", file=sys.stderr)


if __name__ == "__main__":
    main()
