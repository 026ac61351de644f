#!/usr/bin/env python3
"""Reads YAML files with PyYAML's safe loader and prints what it loaded, as JSON.

    yaml-roundtrip.py FILE...   -> [document, document, ...]   (one per file, in order)

This is the oracle of compiler/cli/tests/yaml_oracle.rs: every YAML file paasc writes must load
in PyYAML (what the craft tools and paas-charm use) as the data paasc meant. PyYAML's reader
accepts the same characters as Helm's Go reader (YAML's printable set), so a file that loads
here is not refused there for a character. A file that does not load is an error on stderr and
exit status 1. Output is ASCII (JSON `\\u` escapes); dates and other non-JSON scalars are str().
"""

import json
import sys

import yaml


def main(paths: list[str]) -> int:
    docs = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                docs.append(yaml.safe_load(f))
        except yaml.YAMLError as e:
            print(f"{path}: {e}", file=sys.stderr)
            return 1
    json.dump(docs, sys.stdout, ensure_ascii=True, default=str)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
