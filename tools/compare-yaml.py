"""Compares two YAML files as data, key order included (the way the conformance corpus is judged).

Usage: compare-yaml.py EXPECTED ACTUAL   (exit 1 and a diff when they differ)
"""
import difflib
import json
import sys

import yaml


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def main():
    expected, actual = load(sys.argv[1]), load(sys.argv[2])
    if expected == actual and json.dumps(expected, default=str) == json.dumps(actual, default=str):
        return 0
    a = json.dumps(expected, indent=1, default=str).splitlines()
    b = json.dumps(actual, indent=1, default=str).splitlines()
    sys.stdout.write("\n".join(difflib.unified_diff(a, b, sys.argv[1], sys.argv[2], lineterm="")) + "\n")
    return 1


if __name__ == "__main__":
    sys.exit(main())
