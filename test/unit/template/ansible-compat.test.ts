/**
 * The same templates rendered by our Templar and by Ansible 2.14's, compared by Python type and repr().
 * Skipped only where python3 cannot import ansible.
 */
import { describe, expect, it } from "vitest";
import { Templar } from "../../../src/template/templar.js";
import { pyRepr, typeName } from "../../../src/template/values.js";
import { ansibleAvailable, runOracle, type OracleCase } from "./oracle.js";

const vars = {
  n: 5,
  f: 2.5,
  s: "Hello World",
  fqdn: "web1.example.com",
  l: [3, 1, 2],
  words: ["b", "A", "c", "a"],
  d: { b: 2, a: 1, c: { x: [1, 2] } },
  users: [
    { name: "ann", uid: 1001, groups: ["wheel", "dev"], active: true },
    { name: "bob", uid: 1002, groups: ["dev"], active: false },
  ],
  empty: [],
  nothing: null,
  yes_str: "yes",
  ref: "{{ s | lower }}",
  ref_list: "{{ l }}",
  nested: { inner: "{{ n + 1 }}" },
  path: "/etc/nginx/nginx.conf",
  ver: "2.10.3",
  res_ok: { changed: true, failed: false },
  res_bad: { failed: true, msg: "x" },
  res_skip: { skipped: true, changed: false },
  multi: "line1\nline2\n",
  num_str: "42",
  yaml_text: "a: 1\nb: [x, y]\n",
  omit: "__omit_place_holder__test",
  hosts: { h1: { ansible_default_ipv4: { address: "10.0.0.1" } } },
};

const expressions = [
  // native types and Python printing
  "{{ n }}",
  "{{ f }}",
  "{{ l }}",
  "{{ d }}",
  "{{ nothing }}",
  "{{ 10 / 2 }}",
  "{{ 7 // 2 }}",
  "{{ 7 % 3 }}",
  "{{ -7 % 3 }}",
  "{{ 2 ** 10 }}",
  "{{ 1.0 }}",
  "{{ 0.1 + 0.2 }}",
  "x {{ l }}",
  "x {{ d }}",
  "{{ [1, 'a', None, True] }}",
  '{{ "it\'s" }}',
  "{{ {'k': 'v'} }}",
  "[{{ n }}]",
  "{{ n > 3 }}",
  "{{ True }}",
  "a{{ True }}",
  "{{ s ~ n }}",
  "{{ 'a' ~ nothing }}",
  "{{ l + [4] }}",
  "{{ 'ab' * 3 }}",
  "{{ (1, 2) }}",
  "{{ (1, 2)[0] }}",
  "{{ d.items() | list | first }}",
  "{{ n if n > 3 else 0 }}",
  "{{ '%s-%05d' % ('a', 42) }}",
  "{{ '%.2f' % f }}",
  "{{ '%(a)s' % {'a': 1} }}",
  "{{ 'x' if false else none }}",
  // lazily templated variables
  "{{ ref }}",
  "{{ ref_list }}",
  "{{ nested.inner }}",
  "{{ nested }}",
  "{{ multi }}",
  // python methods
  "{{ fqdn.split('.')[0] }}",
  "{{ fqdn.split('.', 1) }}",
  "{{ fqdn.rsplit('.', 1) }}",
  "{{ '  a b  '.split() }}",
  "{{ '  x '.strip() }}",
  "{{ 'xxhixx'.strip('x') }}",
  "{{ s.startswith('He') }}",
  "{{ s.endswith(('x', 'ld')) }}",
  "{{ s.lower() }}",
  "{{ s.upper() }}",
  "{{ s.replace('o', '0') }}",
  "{{ '{}-{}'.format(1, 'b') }}",
  "{{ '{:>6}|{:<4}|{:^5}'.format('r', 'l', 'c') }}",
  "{{ '{0:.3f}'.format(f) }}",
  "{{ ','.join(words) }}",
  "{{ s.find('World') }}",
  "{{ s.count('l') }}",
  "{{ multi.splitlines() }}",
  "{{ 'hello world'.title() }}",
  "{{ 'hELLO'.capitalize() }}",
  "{{ num_str.isdigit() }}",
  "{{ l.index(2) }}",
  "{{ l.count(3) }}",
  "{{ d.keys() | list }}",
  "{{ d.values() | list }}",
  "{{ d.items() | list }}",
  "{{ d.get('a') }}",
  "{{ d.get('zz', 'dflt') }}",
  "{{ hosts['h1']['ansible_default_ipv4']['address'] }}",
  "{{ hosts.h1.ansible_default_ipv4.address }}",
  "{{ l[0] }}",
  "{{ l[-1] }}",
  "{{ l[1:] }}",
  "{{ l[::-1] }}",
  "{{ s[:5] }}",
  "{{ users.0.name }}",
  // statements
  "{% for x in l %}{{ x }}{% if not loop.last %},{% endif %}{% endfor %}",
  "{% for x in l if x > 1 %}{{ loop.index }}:{{ x }} {% endfor %}",
  "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}",
  "{% for k in d %}{{ k }}{% endfor %}",
  "{% for x in empty %}{{ x }}{% else %}none{% endfor %}",
  "{% for x in l %}{{ loop.cycle('odd', 'even') }}{% endfor %}",
  "{% set ns = namespace(total=0) %}{% for u in users %}{% set ns.total = ns.total + u.uid %}{% endfor %}{{ ns.total }}",
  "{% set x = 1 %}{% for i in l %}{% set x = i %}{% endfor %}{{ x }}",
  "{% set block %}a\nb{% endset %}{{ block | upper }}",
  "{%- if n > 3 -%}\n  big\n{%- endif -%}",
  "{% raw %}{{ not templated }}{% endraw %}",
  "a {# comment #} b",
  "{% if empty %}T{% else %}F{% endif %}",
  "{% if d %}T{% else %}F{% endif %}",
  "{% macro m(a, b='B') %}[{{ a }}{{ b }}]{% endmacro %}{{ m(1) }}{{ m(2, b='x') }}",
  "{{ l is not none and 2 in l and 9 not in l }}",
  // filters
  "{{ missing | default('d') }}",
  "{{ '' | default('d', true) }}",
  "{{ missing | d(omit) == omit }}",
  "{{ yes_str | bool }}",
  "{{ 'off' | bool }}",
  "{{ '42' | int + 1 }}",
  "{{ '3.7' | int }}",
  "{{ 'x' | int }}",
  "{{ '0x1A' | int(base=16) }}",
  "{{ n | float }}",
  "{{ n | string }}",
  "{{ words | join(', ') }}",
  "{{ l | join }}",
  "{{ 'a,b,c' | split(',') }}",
  "{{ l | first }}",
  "{{ l | last }}",
  "{{ l | length }}",
  "{{ s | count }}",
  "{{ s | lower }}",
  "{{ s | upper }}",
  "{{ 'hello' | capitalize }}",
  "{{ 'hello-world foo' | title }}",
  "{{ s | replace('l', 'L') }}",
  "{{ '  pad  ' | trim }}",
  "{{ 'abc' | center(9) }}",
  "{{ 'a\nb\n\nc' | indent(2) }}",
  "{{ 'a\nb' | indent(4, true) }}",
  "{{ 'The quick brown fox jumps over the lazy dog' | wordwrap(12) }}",
  "{{ fqdn | regex_replace('^(\\w+)\\..*$', '\\1') }}",
  "{{ fqdn | regex_search('e(x)a') }}",
  "{{ fqdn | regex_search('(?P<h>\\w+)\\.', '\\g<h>') }}",
  "{{ 'a1b22c333' | regex_findall('\\d+') }}",
  "{{ 'k=v;x=y' | regex_findall('(\\w)=(\\w)') }}",
  "{{ 'a.b*c' | regex_escape }}",
  "{{ d | to_json }}",
  "{{ d | to_nice_json }}",
  "{{ {'u': 'é', 'f': 1.5, 'n': None} | to_json }}",
  "{{ l | to_json }}",
  "{{ d | to_yaml }}",
  "{{ d | to_nice_yaml }}",
  "{{ users | to_yaml }}",
  "{{ users | to_nice_yaml }}",
  "{{ l | to_yaml }}",
  "{{ {'s': 'yes', 'n': '123', 'e': '', 'c': 'a: b', 'h': '#x', 'q': \"it's\", 'nl': 'a\\nb', 'f': 1.5, 'z': None, 'sp': ' x ', 'tn': 'a\\n', 'tab': 'a\\tb', 'm': 'a\\nb\\n\\nc'} | to_nice_yaml }}",
  "{{ 'plain' | to_yaml }}",
  "{{ [[1, 2], {'a': []}] | to_nice_yaml(indent=2) }}",
  "{{ '{\"a\": [1, 2]}' | from_json }}",
  "{{ yaml_text | from_yaml }}",
  "{{ 'hello' | b64encode }}",
  "{{ 'aGVsbG8=' | b64decode }}",
  "{{ 'hello' | hash('sha1') }}",
  "{{ 'hello' | hash('md5') }}",
  "{{ 'hello' | hash('sha256') }}",
  "{{ 'hello' | checksum }}",

  "{{ path | basename }}",
  "{{ path | dirname }}",
  "{{ '/a/b/' | basename }}",
  '{{ "it\'s a test" | quote }}',
  "{{ 'plain' | quote }}",
  "{{ '' | quote }}",
  "{{ d | combine({'a': 9, 'c': {'y': 1}}) }}",
  "{{ d | combine({'c': {'y': 1}}, recursive=True) }}",
  "{{ {'a': [1]} | combine({'a': [2]}, list_merge='append') }}",
  "{{ d | dict2items }}",
  "{{ [{'key': 'a', 'value': 1}] | items2dict }}",
  "{{ users | map(attribute='name') | list }}",
  "{{ l | map('string') | list }}",
  "{{ users | selectattr('active') | map(attribute='name') | list }}",
  "{{ users | rejectattr('uid', 'gt', 1001) | map(attribute='name') | list }}",
  "{{ l | select('odd') | list }}",
  "{{ l | reject('equalto', 3) | list }}",
  "{{ words | unique }}",
  "{{ words | unique(case_sensitive=true) }}",
  "{{ [1, 2] | union([2, 3]) }}",
  "{{ [1, 2, 3] | intersect([2, 3, 4]) }}",
  "{{ [1, 2, 3] | difference([2]) }}",
  "{{ [1, 2, 3] | symmetric_difference([3, 4]) }}",
  "{{ true | ternary('y', 'n') }}",
  "{{ words | sort }}",
  "{{ words | sort(reverse=true) }}",
  "{{ users | sort(attribute='uid', reverse=true) | map(attribute='name') | list }}",
  "{{ l | min }}",
  "{{ l | max }}",
  "{{ l | sum }}",
  "{{ words | max }}",
  "{{ d | dictsort }}",
  "{{ [1, [2, [3]]] | flatten }}",
  "{{ [1, [2, [3]]] | flatten(levels=1) }}",
  "{{ l | zip(words) | list }}",
  "{{ users | subelements('groups') | length }}",
  "{{ l | list }}",
  "{{ 'ab' | list }}",
  "{{ users | map(attribute='groups') | flatten | unique }}",
  "{{ nothing | default('x') }}",
  "{{ [3, 1] | sort | first }}",
  "{{ l | reverse | list }}",
  "{{ 2.567 | round(1) }}",
  // tests
  "{{ n is defined }}",
  "{{ missing is undefined }}",
  "{{ nothing is none }}",
  "{{ s is string }}",
  "{{ n is number }}",
  "{{ n is integer }}",
  "{{ f is float }}",
  "{{ true is boolean }}",
  "{{ d is mapping }}",
  "{{ l is sequence }}",
  "{{ s is iterable }}",
  "{{ n is eq 5 }}",
  "{{ n is equalto(5) }}",
  "{{ n is ne(4) }}",
  "{{ n is lt(9) }}",
  "{{ n is gt(9) }}",
  "{{ n is le(5) }}",
  "{{ n is ge(6) }}",
  "{{ 2 is in(l) }}",
  "{{ fqdn is match('web') }}",
  "{{ fqdn is match('example') }}",
  "{{ fqdn is search('example') }}",
  "{{ fqdn is regex('^w.b') }}",
  "{{ ver is version('2.9', '>') }}",
  "{{ ver is version('2.10.3', '==') }}",
  "{{ '1.0' is version('1.0.1', 'lt', strict=true) }}",
  "{{ ver is version_compare('3', '<') }}",
  "{{ res_ok is succeeded }}",
  "{{ res_bad is failed }}",
  "{{ res_ok is changed }}",
  "{{ res_skip is skipped }}",
  "{{ res_bad is success }}",
  "{{ 'yes' is truthy }}",
  "{{ '' is falsy }}",
  "{{ [1] is subset(l) }}",
  "{{ l is superset([1, 2]) }}",
  "{{ l is contains(3) }}",
  "{{ '/etc' is directory }}",
  "{{ '/etc/hostname' is file }}",
  "{{ '/nope' is exists }}",
];

const errors = [
  "{{ missing }}",
  "{{ missing.attr }}",
  "{{ d.nope.deeper }}",
  "{{ 1 + 'a' }}",
  "{{ l | mandatory }}{{ zz | mandatory }}",
  "{{ foo(",
  "{% for x in l %}",
  "{{ 'a' | nosuchfilter }}",
];

const conditions = [
  "n is defined and yes_str | bool",
  "missing is defined",
  "l | length > 2",
  "'web' in fqdn",
  "not empty",
  "d.a == 1",
  "s == 'Hello World' or missing",
  "ver is version('2.0', '>=')",
  "nothing is none and n",
];

function ours(
  template: string,
  mode: "template" | "when" = "template",
): { type: string; repr: string } | { error: string } {
  const t = new Templar({ vars: structuredClone(vars), decryptVault: () => "" });
  try {
    const v = mode === "when" ? t.evaluate(template) : t.template(template);
    return { type: typeName(v), repr: pyRepr(v) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** One line per result, so a mismatch shows both sides in full. */
function show(r: { type: string; repr: string } | { error: string } | undefined): string {
  if (!r) return "missing";
  return "error" in r ? `error: ${r.error}` : `${r.type}: ${r.repr}`;
}

const available = ansibleAvailable();

describe.skipIf(!available)("matches Ansible 2.14's Templar", () => {
  const cases: OracleCase[] = [
    ...expressions.map((template) => ({ template, vars })),
    ...errors.map((template) => ({ template, vars })),
    ...conditions.map((template) => ({ template, vars, mode: "when" as const })),
  ];
  const expected = available ? runOracle(cases) : [];

  it.each(expressions.map((e, i) => [e, i] as const))("%s", (template, i) => {
    expect(show(ours(template))).toBe(show(expected[i]));
  });

  it.each(errors.map((e, i) => [e, expressions.length + i] as const))(
    "fails like Ansible: %s",
    (template, i) => {
      const exp = expected[i] as { error?: string };
      expect(exp.error).toBeDefined();
      expect(ours(template)).toHaveProperty("error");
    },
  );

  it.each(conditions.map((e, i) => [e, expressions.length + errors.length + i] as const))(
    "when: %s",
    (cond, i) => {
      expect(show(ours(cond, "when"))).toBe(show(expected[i]));
    },
  );
});
