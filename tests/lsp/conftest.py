"""pytest-lsp fixtures: `paasc lsp` (the binary in $PAASC_BIN, default target/debug/paasc) driven
through a real LSP client over stdio."""

import os
import pathlib
import sys

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

ROOT = pathlib.Path(__file__).resolve().parents[2]
PAASC = os.environ.get("PAASC_BIN", str(ROOT / "target" / "debug" / "paasc"))


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[PAASC, "lsp"]))
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri=ROOT.as_uri(),
        )
    )
    yield
    await lsp_client.shutdown_session()
