#!/usr/bin/env python3
"""The real-GPU check of tlc, offline: python3 run.py [trunk] [fine-tune] [pipeline]

Needs only Python 3 and the GPU's driver (NVIDIA: with its Vulkan ICD, which the proprietary
driver installs). Unpacks payload.tar.xz (Node, tlc and its packages) into a temporary folder,
runs bench/gpu/bench.ts with the carried Node while sampling `nvidia-smi` for GPU memory, and
prints one table. The table is also written to results-<time>.md beside this file.
"""
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def nvidia_smi(*args):
    try:
        return subprocess.run(["nvidia-smi", *args], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


class GpuMemory(threading.Thread):
    """Samples memory.used (MiB, summed over GPUs) every 0.2 s; peak() resets the window."""

    def __init__(self):
        super().__init__(daemon=True)
        self.window = None
        self.stopped = False

    def run(self):
        while not self.stopped:
            out = nvidia_smi("--query-gpu=memory.used", "--format=csv,noheader,nounits")
            values = [int(v) for v in out.split() if v.isdigit()]
            if values:
                used = sum(values)
                self.window = used if self.window is None else max(self.window, used)
            time.sleep(0.2)

    def peak(self):
        value, self.window = self.window, None
        return value


def cell(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


def main():
    work = tempfile.mkdtemp(prefix="tlc-gpu-bench-")
    try:
        with tarfile.open(os.path.join(HERE, "payload.tar.xz"), "r:xz") as payload:
            if hasattr(tarfile, "data_filter"):
                payload.extractall(work, filter="tar")
            else:
                payload.extractall(work)
        node = os.path.join(work, "node")
        app = os.path.join(work, "tlc")
        env = dict(os.environ, TLC_HOME=os.path.join(work, "home"), NO_COLOR="1")
        machine = nvidia_smi("--query-gpu=name,driver_version,memory.total", "--format=csv,noheader") or "no nvidia-smi"
        print(f"GPU: {machine}", file=sys.stderr)
        memory = GpuMemory()
        memory.start()
        time.sleep(0.5)
        idle = memory.peak()
        rows = []
        command = [node, os.path.join(app, "packages/cli/bin/run-ts.mjs"), "bench/gpu/bench.ts", *sys.argv[1:]]
        with subprocess.Popen(command, cwd=app, env=env, stdout=subprocess.PIPE, text=True) as bench:
            for line in bench.stdout:
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    print(line, end="", file=sys.stderr)
                    continue
                row["peakGpuMiB"] = memory.peak()
                rows.append(row)
                print(json.dumps(row), file=sys.stderr)
        memory.stopped = True
        columns = [("group", "group"), ("model", "model / pipeline"), ("engine", "engine"), ("imagesPerSecond", "images/s"),
                   ("seconds", "seconds"), ("accuracy", "accuracy"), ("peakGpuMiB", "peak GPU MiB"), ("error", "note")]
        lines = [f"GPU: {machine}; idle GPU memory {idle} MiB; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", "",
                 "| " + " | ".join(title for _, title in columns) + " |",
                 "|" + "---|" * len(columns)]
        for row in rows:
            lines.append("| " + " | ".join(cell(row.get(key)) for key, _ in columns) + " |")
        backends = sorted({row["backend"] for row in rows if row.get("backend")})
        lines += [""] + [f"- {line}" for line in backends]
        table = "\n".join(lines)
        print(table)
        with open(os.path.join(HERE, time.strftime("results-%Y%m%d-%H%M.md")), "w") as out:
            out.write(table + "\n")
        return bench.returncode
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
