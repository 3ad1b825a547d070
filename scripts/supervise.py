"""Run programs together and start again any one that stops, until Ctrl-C (``./scripts/demo``).

    python scripts/supervise.py --program NAME 'COMMAND …' [--program NAME 'COMMAND …' …]

Each COMMAND (a shell-quoted command line, run without a shell) runs in its own process group.
When one stops by itself it is started again after 1 second, then 2, 4 … 30 seconds if it keeps
stopping (back to 1 second once it has run a minute), with a line on the standard output. Ctrl-C
(SIGINT) or SIGTERM stops them all: SIGTERM to each group, SIGKILL to what still runs 10 seconds
later. Only the standard library: it runs before anything else is installed.
"""

import argparse
import os
import shlex
import signal
import subprocess
import sys
import time

FIRST_DELAY = 1.0
MAX_DELAY = 30.0
HEALTHY_AFTER = 60.0
STOP_GRACE = 10.0


def say(message: str) -> None:
    print(f"\033[1m==> {message}\033[0m", flush=True)


class Program:
    def __init__(self, name: str, command: list[str]):
        self.name = name
        self.command = command
        self.process: subprocess.Popen | None = None
        self.started = 0.0
        self.delay = FIRST_DELAY
        self.restart_at: float | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, start_new_session=True)
        self.started = time.monotonic()
        self.restart_at = None
        print(f"    {self.name} (pid {self.process.pid})", flush=True)

    def signal_group(self, signum: int) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signum)
        except (ProcessLookupError, PermissionError):
            pass

    def group_alive(self) -> bool:
        if self.process is None:
            return False
        self.process.poll()
        try:
            os.killpg(self.process.pid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True


class Supervisor:
    def __init__(self, programs: list[Program]):
        self.programs = programs
        self.stop_signal: int | None = None

    def on_signal(self, signum, frame) -> None:
        self.stop_signal = signum

    def run(self) -> int:
        signal.signal(signal.SIGINT, self.on_signal)
        signal.signal(signal.SIGTERM, self.on_signal)
        for program in self.programs:
            program.start()
        while self.stop_signal is None:
            now = time.monotonic()
            for program in self.programs:
                if program.restart_at is not None:
                    if now >= program.restart_at:
                        say(f"Starting {program.name} again")
                        program.start()
                    continue
                code = program.process.poll()
                if code is None:
                    continue
                if now - program.started >= HEALTHY_AFTER:
                    program.delay = FIRST_DELAY
                program.signal_group(signal.SIGKILL)  # what it may have left behind
                say(f"{program.name} stopped (exit code {code}): starting it again in {program.delay:.0f} s")
                program.restart_at = now + program.delay
                program.delay = min(program.delay * 2, MAX_DELAY)
            time.sleep(0.2)
        return self.stop()

    def stop(self) -> int:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print(flush=True)
        say("Stopping Comptoir")
        for program in self.programs:
            program.signal_group(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        while time.monotonic() < deadline and any(p.group_alive() for p in self.programs):
            time.sleep(0.2)
        for program in self.programs:
            program.signal_group(signal.SIGKILL)
            if program.process is not None:
                program.process.wait()
        return 128 + self.stop_signal


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--program", nargs=2, action="append", metavar=("NAME", "COMMAND"),
                        required=True, help="a name and a shell-quoted command line")
    options = parser.parse_args(argv)
    programs = [Program(name, shlex.split(command)) for name, command in options.program]
    return Supervisor(programs).run()


if __name__ == "__main__":
    sys.exit(main())
