#!/usr/bin/env python3
# Copyright YEAR Test Author
# See LICENSE file for licensing details.

"""The ExpressJS charm's entry point."""

import logging
import typing

import ops

import paas_charm.expressjs

logger = logging.getLogger(__name__)


class MyExpressjsAppCharm(paas_charm.expressjs.Charm):
    """The ExpressJS charm."""

    def __init__(self, *args: typing.Any) -> None:
        """Set the charm up.

        Args:
            args: passed on to CharmBase.
        """
        super().__init__(*args)


if __name__ == "__main__":
    ops.main(MyExpressjsAppCharm)
