#!/usr/bin/env python3
"""Latency of `paasc lsp`: time from sending `textDocument/didChange` to receiving the
`textDocument/publishDiagnostics` it causes, through a real LSP client over stdio (JSON-RPC with
Content-Length framing, as editors speak it).

    tools/lsp-bench.py PAASC [--runs N] [--markdown] EXAMPLE_FILE...

For each file (e.g. examples/flask-minimal/rockcraft.yaml): opens it, then N times replaces
its text with the same text plus a trailing comment that alternates, and waits for the
diagnostics of that file. Prints the median, mean and 90th percentile in milliseconds.
A benchmark, not a test: nothing is asserted.
"""

import argparse
import json
import pathlib
import statistics
import subprocess
import sys
import time


class Client:
    def __init__(self, command):
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.next_id = 0

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def receive(self):
        length = None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise EOFError("paasc lsp closed its output")
            line = line.strip()
            if not line:
                break
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return json.loads(self.proc.stdout.read(length))

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            msg = self.receive()
            if msg.get("id") == self.next_id:
                return msg

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_diagnostics(self, uri):
        while True:
            msg = self.receive()
            if msg.get("method") == "textDocument/publishDiagnostics" and msg["params"]["uri"] == uri:
                return msg

    def close(self):
        self.request("shutdown", None)
        self.notify("exit", None)
        self.proc.wait(timeout=10)


def bench(client, path, runs):
    uri = path.resolve().as_uri()
    text = path.read_text()
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "yaml", "version": 1, "text": text}})
    client.wait_diagnostics(uri)
    times = []
    for i in range(runs):
        changed = text + ("# edit\n" if i % 2 == 0 else "")
        start = time.perf_counter()
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": i + 2},
            "contentChanges": [{"text": changed}]})
        client.wait_diagnostics(uri)
        times.append((time.perf_counter() - start) * 1000)
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    return times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("paasc")
    ap.add_argument("files", nargs="+", type=pathlib.Path)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    client = Client([args.paasc, "lsp"])
    client.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    client.notify("initialized", {})
    if args.markdown:
        print("| file | runs | median ms | mean ms | p90 ms |")
        print("|---|---:|---:|---:|---:|")
    for f in args.files:
        t = sorted(bench(client, f, args.runs))
        p90 = t[min(len(t) - 1, int(len(t) * 0.9))]
        row = (f, len(t), statistics.median(t), statistics.mean(t), p90)
        if args.markdown:
            print("| `%s` | %d | %.2f | %.2f | %.2f |" % row)
        else:
            print("%s: %d runs, median %.2f ms, mean %.2f ms, p90 %.2f ms" % row)
    client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
