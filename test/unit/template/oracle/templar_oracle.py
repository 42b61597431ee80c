"""Renders templates with the real Ansible Templar (jinja2_native off) for comparison tests.

Reads JSON [{"template": str, "vars": {...}, "mode": "template"|"when"}] on stdin and prints
[{"type": python type name, "repr": repr(result)} | {"error": message}] as JSON.
"""
import json
import sys

from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar
from ansible.playbook.conditional import Conditional


def type_name(value):
    # Ansible's own subclasses (AnsibleUnsafeText, ...) count as their base type.
    for base in (bool, int, float, str, list, dict):
        if isinstance(value, base):
            return base.__name__
    return type(value).__name__


def main():
    cases = json.load(sys.stdin)
    out = []
    loader = DataLoader()
    for case in cases:
        templar = Templar(loader=loader, variables=case.get("vars", {}))
        try:
            if case.get("mode") == "when":
                cond = Conditional(loader=loader)
                cond.when = [case["template"]]
                value = cond.evaluate_conditional(templar, case.get("vars", {}))
            else:
                value = templar.template(case["template"])
            out.append({"type": type_name(value), "repr": repr(value)})
        except Exception as e:  # noqa: BLE001 - any failure is a result to compare
            out.append({"error": str(e)})
    json.dump(out, sys.stdout)


main()
