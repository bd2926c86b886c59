"""Language server latency (TOOLING.md §6.3): time from `didChange` version v to `publishDiagnostics` version v.

    .venv/bin/python bench/lsp_latency.py [--corpus DIR] [--edits N] [--warmup N] [--threshold-ms X]
                                          [--metric p50|p95|max] [--json OUT]
                                          [--edit-kind inline|lines|unclosed]

Starts `lumen lsp` over stdio, opens each `.lm` / `.lm.md` file of the corpus (default `bench/lsp_corpus/`) and
applies `--warmup` unmeasured then `--edits` measured single-line edits, one at a time, each chosen by a fixed-seed
RNG: inserting or deleting a character, or replacing a line. About a third of the edits create an error
(an undefined name, a missing expression, a stray operator) that the next edit fixes. Percentiles are nearest-rank
(`sorted[ceil(p*n) - 1]`). `--edit-kind lines` measures edits that insert a line and then remove it again instead
(every declaration below the edit moves); `--edit-kind unclosed` edits that open a bracket at the end of a line and
then remove it (the text after it is unclosed in between). Prints one line per file and the summary line
`lsp-latency: files=F edits=E p50_ms=… p95_ms=… max_ms=…`, writes the samples and summary to `--json` (default
`bench/results/lsp_latency.json`), and exits 1 when the chosen metric exceeds `--threshold-ms` (default 100).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 20261127
TIMEOUT = 30.0


# ---------------------------------------------------------------------------------------------- JSON-RPC client

class Server:
    """`lumen lsp` in a subprocess, with a reader thread recording when each diagnostics version arrives."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "lumen_kernel", "lsp"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT)
        self.arrived: dict[tuple[str, int], float] = {}
        self.responses: dict[Any, Any] = {}
        self.condition = threading.Condition()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if length is None:
                continue
            message = json.loads(stream.read(length))
            now = time.perf_counter()
            with self.condition:
                if message.get("method") == "textDocument/publishDiagnostics":
                    params = message["params"]
                    if params.get("version") is not None:
                        self.arrived[(params["uri"], params["version"])] = now
                elif "id" in message and "method" not in message:
                    self.responses[message["id"]] = message
                self.condition.notify_all()

    def send(self, message: dict) -> None:
        """Write one framed JSON-RPC message."""
        body = json.dumps(message).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def request(self, method: str, params: Any) -> Any:
        """Send a request and wait for its answer."""
        self.next_id += 1
        request_id = self.next_id
        self.send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        with self.condition:
            if not self.condition.wait_for(lambda: request_id in self.responses, TIMEOUT):
                raise TimeoutError(f"no answer to {method}")
            return self.responses.pop(request_id)

    def notify(self, method: str, params: Any) -> None:
        """Send a notification."""
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_diagnostics(self, uri: str, version: int) -> float:
        """The arrival time of the diagnostics of `uri` at `version` (waiting for them)."""
        with self.condition:
            if not self.condition.wait_for(lambda: (uri, version) in self.arrived, TIMEOUT):
                raise TimeoutError(f"no diagnostics for {uri} version {version}")
            return self.arrived[(uri, version)]

    def close(self) -> None:
        """Shut the server down (killing it if it does not exit)."""
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.process.wait(timeout=5)
        except Exception:  # noqa: BLE001 - the benchmark result does not depend on a clean exit
            self.process.kill()


# ---------------------------------------------------------------------------------------------- edits

class Editor:
    """The text of one document and the single-line edits the benchmark applies to it."""

    def __init__(self, path: Path, rng: random.Random) -> None:
        from lumen_kernel.source.model import load_source

        self.uri = path.resolve().as_uri()
        self.text = path.read_text(encoding="utf-8")
        self.lines = self.text.split("\n")
        self.rng = rng
        source = load_source(str(path), self.text)
        if source.is_markdown:
            code = {line - 1 for fence in source.fences for line in range(fence.first_code_line,
                                                                            fence.last_code_line + 1)}
        else:
            code = set(range(len(self.lines)))
        self.code_lines = sorted(i for i in code if i < len(self.lines) and self.lines[i].strip()
                                 and not self.lines[i].strip().startswith("#"))
        self.pending_fix: Optional[tuple[int, str]] = None

    def next_line_edit(self) -> dict:
        """The next change of `--edit-kind lines`: insert a line (`let inserted = 1`, indented like the line below)
        before a random code line, and with the next edit remove it again."""
        if self.pending_fix is not None:
            line, _original = self.pending_fix
            self.pending_fix = None
            del self.lines[line]
            return {"range": {"start": {"line": line, "character": 0}, "end": {"line": line + 1, "character": 0}},
                    "text": ""}
        line = self.rng.choice(self.code_lines)
        text = self.lines[line]
        inserted = text[:len(text) - len(text.lstrip())] + "let inserted = 1"
        self.lines.insert(line, inserted)
        self.pending_fix = (line, inserted)
        return {"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}},
                "text": inserted + "\n"}

    def next_unclosed_edit(self) -> dict:
        """The next change of `--edit-kind unclosed`: open a bracket at the end of a random code line (the text
        after it stays unclosed until the next edit, which removes the bracket again)."""
        if self.pending_fix is not None:
            return self._undo()
        line = self.rng.choice(self.code_lines)
        text = self.lines[line]
        self.pending_fix = (line, text)
        return self._change(line, len(text), len(text), " (")

    def next_of_kind(self, kind: str) -> dict:
        """The next change of an `--edit-kind`."""
        if kind == "lines":
            return self.next_line_edit()
        if kind == "unclosed":
            return self.next_unclosed_edit()
        return self.next_edit()

    def next_edit(self) -> dict:
        """The next change (an LSP content change over one line), applied to the local text."""
        if self.pending_fix is not None:
            return self._undo()
        line = self.rng.choice(self.code_lines)
        text = self.lines[line]
        choice = self.rng.random()
        if choice < 1 / 3:
            return self._error(line, text)
        if choice < 2 / 3:
            # Insert a space after the indentation or at the end (harmless), or delete a trailing space.
            if text.endswith(" "):
                return self._change(line, len(text) - 1, len(text), "")
            return self._change(line, len(text), len(text), " ")
        # Replace the line: add or remove a trailing comment.
        if text.endswith("  # edited"):
            return self._replace(line, text[:-len("  # edited")])
        return self._replace(line, text + "  # edited")

    def _error(self, line: int, text: str) -> dict:
        """An edit creating an error that the next edit (restoring the line) fixes."""
        self.pending_fix = (line, text)
        indent = text[:len(text) - len(text.lstrip())]
        kind = self.rng.randrange(3)
        if kind == 0:
            words = [i for i, c in enumerate(text) if c.isalpha() and (i == 0 or not text[i - 1].isalnum())]
            if words:
                position = self.rng.choice(words)
                return self._change(line, position, position, "q")      # misspell a name
        if kind == 1:
            return self._replace(line, indent + "let broken =")          # missing expression
        return self._change(line, len(text), len(text), " +")           # stray operator

    def _undo(self) -> dict:
        """Restore the line the previous edit changed."""
        line, original = self.pending_fix
        self.pending_fix = None
        return self._replace(line, original)

    def _change(self, line: int, start: int, end: int, new_text: str) -> dict:
        old = self.lines[line]
        self.lines[line] = old[:start] + new_text + old[end:]
        return {"range": {"start": {"line": line, "character": start}, "end": {"line": line, "character": end}},
                "text": new_text}

    def _replace(self, line: int, new_text: str) -> dict:
        return self._change(line, 0, len(self.lines[line]), new_text)


# ---------------------------------------------------------------------------------------------- statistics

def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(math.ceil(p * len(ordered)) - 1, 0)]


def summary(samples: list[float]) -> dict:
    """Edit count, p50, p95 and max of latency samples (ms)."""
    return {"edits": len(samples), "p50_ms": round(percentile(samples, 0.50), 2),
            "p95_ms": round(percentile(samples, 0.95), 2), "max_ms": round(max(samples), 2)}


def run(corpus: Path, edits: int, warmup: int, edit_kind: str = "inline") -> list[dict]:
    """Measure every corpus file; returns one result per file."""
    files = sorted(p for p in corpus.iterdir() if p.name.endswith((".lm", ".lm.md")))
    server = Server()
    results = []
    try:
        server.request("initialize", {"processId": os.getpid(), "rootUri": corpus.resolve().as_uri(),
                                      "capabilities": {"general": {"positionEncodings": ["utf-16"]}},
                                      "initializationOptions": {}})
        server.notify("initialized", {})
        rng = random.Random(SEED)
        for path in files:
            editor = Editor(path, rng)
            version = 1
            server.notify("textDocument/didOpen", {"textDocument": {
                "uri": editor.uri, "languageId": "lumen", "version": version, "text": editor.text}})
            server.wait_diagnostics(editor.uri, version)
            samples = []
            for step in range(warmup + edits):
                change = editor.next_of_kind(edit_kind)
                version += 1
                sent = time.perf_counter()
                server.notify("textDocument/didChange", {
                    "textDocument": {"uri": editor.uri, "version": version}, "contentChanges": [change]})
                arrived = server.wait_diagnostics(editor.uri, version)
                if step >= warmup:
                    samples.append((arrived - sent) * 1000.0)
            server.notify("textDocument/didClose", {"textDocument": {"uri": editor.uri}})
            results.append({"file": path.name, "samples_ms": [round(s, 3) for s in samples], **summary(samples)})
    finally:
        server.close()
    return results


def main() -> int:
    """Run the benchmark from the command line; the exit status says whether the threshold was met."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "bench" / "lsp_corpus")
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--threshold-ms", type=float, default=100.0)
    parser.add_argument("--metric", choices=["p50", "p95", "max"], default="p50")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "lsp_latency.json")
    parser.add_argument("--edit-kind", choices=["inline", "lines", "unclosed"], default="inline",
                        help="inline: edits within one line (default); lines: insert a line, then remove it; "
                             "unclosed: open a bracket at the end of a line, then remove it")
    options = parser.parse_args()
    if options.edits < 1 or options.warmup < 0:
        parser.error("--edits must be at least 1 and --warmup at least 0")

    results = run(options.corpus, options.edits, options.warmup, options.edit_kind)
    every = [sample for result in results for sample in result["samples_ms"]]
    overall = summary(every)
    for result in results:
        print(f"{result['file']}: edits={result['edits']} p50_ms={result['p50_ms']:.2f} "
              f"p95_ms={result['p95_ms']:.2f} max_ms={result['max_ms']:.2f}")
    print(f"lsp-latency: files={len(results)} edits={overall['edits']} p50_ms={overall['p50_ms']:.2f} "
          f"p95_ms={overall['p95_ms']:.2f} max_ms={overall['max_ms']:.2f}")
    value = overall[f"{options.metric}_ms"]
    passed = value <= options.threshold_ms
    options.json.parent.mkdir(parents=True, exist_ok=True)
    options.json.write_text(json.dumps({
        "files": results,
        "summary": {"files": len(results), **overall, "metric": options.metric,
                    "threshold_ms": options.threshold_ms, "passed": passed},
    }, indent=2) + "\n", encoding="utf-8")
    if not passed:
        print(f"lsp-latency: {options.metric} {value:.2f} ms exceeds the threshold of {options.threshold_ms:g} ms",
              file=sys.stderr)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
