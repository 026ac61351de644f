#!/usr/bin/env python3
"""Reads .env files with python-dotenv and prints what it parsed, as JSON.

    dotenv-roundtrip.py FILE           -> {"NAME": "value", ...}
    dotenv-roundtrip.py FILE FILE...   -> [{...}, {...}, ...]   (one mapping per file, in order)

This is the oracle of compiler/cli/tests/env_oracle.rs: paasc's `.env` writer must produce files
python-dotenv reads back exactly. The files are read the way applications read them,
`dotenv_values(path)`: UTF-8, with python-dotenv's `${VAR}` interpolation on. A line python-dotenv
cannot parse is reported on stderr (python-dotenv's own warning) and makes the exit status 1, so a
caller sees parse failures even when the mapping looks plausible. Non-ASCII text is written as
JSON `\\u` escapes, so the output is ASCII whatever the locale.

Requires python-dotenv (pinned in .ci/run: python-dotenv==1.2.1).
"""

import json
import logging
import sys

import dotenv


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.warnings = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.warnings += 1
        print(f"python-dotenv: {record.getMessage()}", file=sys.stderr)


def main(paths: list[str]) -> int:
    if not paths:
        print("usage: dotenv-roundtrip.py FILE [FILE...]", file=sys.stderr)
        return 2
    counter = _Count()
    log = logging.getLogger("dotenv.main")
    log.addHandler(counter)
    log.propagate = False
    mappings = [dict(dotenv.dotenv_values(path, encoding="utf-8")) for path in paths]
    out = mappings[0] if len(paths) == 1 else mappings
    json.dump(out, sys.stdout, ensure_ascii=True)
    sys.stdout.write("\n")
    return 1 if counter.warnings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
