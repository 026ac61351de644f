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


async def open_text(client: LanguageClient, path: pathlib.Path, text: str) -> str:
    """Opens `path` with `text` as its unsaved buffer and waits for its diagnostics."""
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text)))
    await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, 0)))
    return uri


async def complete(client: LanguageClient, uri: str, text: str) -> list[types.CompletionItem]:
    """The completion items at the end of `text`."""
    lines = text.split("\n")
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(len(lines) - 1, len(lines[-1]))))
    items = result.items if isinstance(result, types.CompletionList) else result
    return list(items or [])


async def test_completion_of_keys_values_parts_and_codes(client: LanguageClient):
    path = ROOT / "examples" / "flask-minimal" / "rockcraft.yaml"
    base = path.read_text()
    uri = await open_text(client, path, base)
    labels = [i.label for i in await complete(client, uri, base)]
    assert "build-base" in labels and "services" in labels and "name" not in labels
    build_base = next(i for i in await complete(client, uri, base) if i.label == "build-base")
    assert build_base.documentation is not None

    text = base + "services:\n  web:\n    override: "
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
    assert [i.label for i in await complete(client, uri, text)] == ["merge", "replace"]

    text = base + "parts:\n  "
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=3),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
    labels = [i.label for i in await complete(client, uri, text)]
    assert "flask-framework/dependencies" in labels and "flask-framework/install-app" in labels

    text = base + "# paasc: ignore["
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=4),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
    items = await complete(client, uri, text)
    assert {"S001", "C016", "F005"} <= {i.label for i in items}
    assert next(i for i in items if i.label == "S001").detail.startswith("unknown-key")


async def test_completion_of_profile_options_and_endpoints(client: LanguageClient):
    project = ROOT / "examples" / "flask-postgresql"
    path = project / "profiles" / "default.yaml"
    text = "app: x\nconfig:\n  "
    uri = await open_text(client, path, text)
    items = await complete(client, uri, text)
    labels = [i.label for i in items]
    assert "page-size" in labels and "flask-debug" in labels and "webserver-workers" in labels
    page = next(i for i in items if i.label == "page-size")
    assert "FLASK_PAGE_SIZE" in page.detail
    text = "app: x\nintegrations:\n  "
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
    assert "postgresql" in [i.label for i in await complete(client, uri, text)]


async def test_inlay_hints_name_each_options_variable(client: LanguageClient):
    path = ROOT / "examples" / "flask-postgresql" / "charm" / "charmcraft.yaml"
    text = path.read_text()
    uri = await open_text(client, path, text)
    hints = await client.text_document_inlay_hint_async(types.InlayHintParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(types.Position(0, 0), types.Position(len(text.splitlines()) + 1, 0))))
    line = next(i for i, l in enumerate(text.splitlines()) if l.strip() == "page-size:")
    hint = next(h for h in hints if h.position.line == line)
    assert hint.label == "→ FLASK_PAGE_SIZE"
    assert hint.position.character == text.splitlines()[line].index(":")


async def test_quick_fix_quotes_a_number_meant_as_a_string(client: LanguageClient):
    path = ROOT / "golden" / "errors" / "number-version-changes" / "rockcraft.yaml"
    uri = await open_and_sync(client, path)
    s008 = next(d for d in client.diagnostics[uri] if d.code == "S008")
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=s008.range,
        context=types.CodeActionContext(diagnostics=[s008])))
    assert [a.title for a in actions] == ["Quote `1.10` as a string"]
    edit = actions[0].edit.changes[uri][0]
    assert edit.new_text == "'1.10'" and edit.range == s008.range
