"""`paasc lsp` through pytest-lsp's client: on every golden error case the diagnostics it
publishes equal `paasc check --format json` (codes and ranges, per file); hover explains a
code; the did-you-mean quick fix replaces the key."""

import json
import os
import pathlib
import subprocess

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from conftest import PAASC, ROOT

CASES = sorted(p for p in (ROOT / "golden" / "errors").iterdir() if p.is_dir())


def cli(case: pathlib.Path) -> dict:
    out = subprocess.run(
        [PAASC, "check", str(case), "--format", "json"],
        capture_output=True, text=True, check=False,
    )
    return json.loads(out.stdout)


def opened_file(case: pathlib.Path) -> pathlib.Path:
    """The first project file that is valid UTF-8 (an editor buffer is text), else case.md."""
    for rel in ("rockcraft.yaml", "charm/charmcraft.yaml", "charmcraft.yaml"):
        p = case / rel
        try:
            p.read_bytes().decode("utf-8")
            return p
        except (OSError, UnicodeDecodeError):
            continue
    return case / "case.md"


async def open_and_sync(client: LanguageClient, path: pathlib.Path) -> str:
    uri = path.as_uri()
    text = path.read_bytes().decode("utf-8")
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text)))
    # The server answers in order: once this hover returns, every diagnostic it published for
    # the open has arrived.
    await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, 0)))
    return uri


def key(code, r) -> tuple:
    return (code, r.start.line, r.start.character, r.end.line, r.end.character)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_diagnostics_equal_the_cli(client: LanguageClient, case: pathlib.Path):
    want: dict[str, list] = {}
    for d in cli(case)["diagnostics"]:
        r = d["range"]
        uri = pathlib.Path(os.path.abspath(d["file"])).as_uri()
        want.setdefault(uri, []).append(
            (d["code"], r["start"]["line"], r["start"]["character"], r["end"]["line"], r["end"]["character"]))
    await open_and_sync(client, opened_file(case))
    got = {uri: [key(d.code, d.range) for d in diags]
           for uri, diags in client.diagnostics.items() if diags}
    assert got == want


async def test_hover_explains_the_code_and_quick_fix_renames(client: LanguageClient):
    path = ROOT / "golden" / "errors" / "unknown-top-level-key-charmcraft" / "charm" / "charmcraft.yaml"
    uri = await open_and_sync(client, path)
    s001 = next(d for d in client.diagnostics[uri] if d.code == "S001")
    assert s001.code_description.href == "https://paasc.dev/codes/S001"
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=s001.range.start))
    assert "S001" in hover.contents.value and "unknown-key" in hover.contents.value
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=s001.range,
        context=types.CodeActionContext(diagnostics=[s001])))
    assert len(actions) == 1
    edit = actions[0].edit.changes[uri][0]
    assert edit.new_text == "summary" and edit.range == s001.range

    fixed = path.read_text().replace("sumary:", "summary:")
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)]))
    await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, 0)))
    assert all(d.code != "S001" for d in client.diagnostics[uri])


async def test_hover_on_a_key_shows_its_schema_description(client: LanguageClient):
    path = ROOT / "examples" / "flask-minimal" / "rockcraft.yaml"
    uri = await open_and_sync(client, path)
    line = next(i for i, l in enumerate(path.read_text().splitlines()) if l.startswith("base:"))
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line, 1)))
    assert hover.contents.value.startswith("**base**: The base image")
    assert hover.range.start == types.Position(line, 0)
    assert not client.diagnostics.get(uri)
