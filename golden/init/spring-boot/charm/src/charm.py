#!/usr/bin/env python3
# Copyright YEAR Test Author
# See LICENSE file for licensing details.

"""The Spring Boot charm's entry point."""

import logging
import typing

import ops

import paas_charm.springboot

logger = logging.getLogger(__name__)


class MySpringBootAppCharm(paas_charm.springboot.Charm):
    """The Spring Boot charm."""

    def __init__(self, *args: typing.Any) -> None:
        """Set the charm up.

        Args:
            args: passed on to CharmBase.
        """
        super().__init__(*args)


if __name__ == "__main__":
    ops.main(MySpringBootAppCharm)
