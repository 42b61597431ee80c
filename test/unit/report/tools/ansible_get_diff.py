# Reference for the tests: Ansible's own CallbackBase._get_diff over a JSON list of diff dicts read from stdin.
import json
import sys

from ansible.plugins.callback import CallbackBase

cases = json.load(sys.stdin)
print(json.dumps([CallbackBase()._get_diff(case) for case in cases]))
