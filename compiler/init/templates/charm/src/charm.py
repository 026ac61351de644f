#!/usr/bin/env python3
# Copyright {{year}} {{author}}
# See LICENSE file for licensing details.

"""The {{title}} charm's entry point."""

import logging
import typing

import ops

import paas_charm.{{module}}

logger = logging.getLogger(__name__)


class {{class_name}}(paas_charm.{{module}}.Charm):
    """The {{title}} charm."""

    def __init__(self, *args: typing.Any) -> None:
        """Set the charm up.

        Args:
            args: passed on to CharmBase.
        """
        super().__init__(*args)


if __name__ == "__main__":
    ops.main({{class_name}})
