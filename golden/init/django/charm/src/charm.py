#!/usr/bin/env python3
# Copyright YEAR Test Author
# See LICENSE file for licensing details.

"""The Django charm's entry point."""

import logging
import typing

import ops

import paas_charm.django

logger = logging.getLogger(__name__)


class MyDjangoAppCharm(paas_charm.django.Charm):
    """The Django charm."""

    def __init__(self, *args: typing.Any) -> None:
        """Set the charm up.

        Args:
            args: passed on to CharmBase.
        """
        super().__init__(*args)


if __name__ == "__main__":
    ops.main(MyDjangoAppCharm)
