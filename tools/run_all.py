"""``make run``: the web server, the job worker and the scheduler side by side, stopped together.

Ctrl-C (or SIGTERM) stops all three; if one of them exits, the others are stopped too, so a
broken worker is never left behind a web server that looks healthy. Production runs the three as
separate services instead (docs/operations.md).

    python tools/run_all.py [--port 8000]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def commands(port: str) -> dict[str, list[str]]:
    manage = [sys.executable, str(ROOT / "manage.py")]
    return {
        "web": [*manage, "runserver", f"127.0.0.1:{port}"],
        "worker": [*manage, "db_worker", "--no-reload", "--interval", "1"],
        "scheduler": [*manage, "run_scheduler"],
    }


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    # The whole group: runserver's autoreloader runs the server in a child process of its own.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def stop(processes: dict[str, subprocess.Popen], grace: float = 10.0) -> None:
    for process in processes.values():
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
    args = parser.parse_args(argv)
    processes: dict[str, subprocess.Popen] = {}
    stopping = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    for name, command in commands(args.port).items():
        # Each child in its own process group: a Ctrl-C reaches us once, and we stop them in order.
        processes[name] = subprocess.Popen(command, cwd=ROOT, start_new_session=True)  # noqa: S603
        print(f"run_all: started {name} (pid {processes[name].pid})", flush=True)
    exit_code = 0
    try:
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    print(f"run_all: {name} exited with {process.returncode}; stopping the others", flush=True)
                    exit_code = process.returncode or 1
                    stopping = True
                    break
            time.sleep(0.5)
    finally:
        stop(processes)
        print("run_all: stopped web, worker and scheduler", flush=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
