"""Run ``manage.py check --deploy --fail-level WARNING`` under the production environment file
that docs/DEPLOY.md tells the operator to write (with a random SECRET_KEY in place of the one
the operator generates, and a scratch folder for the files)."""

import os
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENT_FILE = "/etc/comptoir/comptoir.env"


def guide_environment(guide: Path = ROOT / "docs" / "DEPLOY.md") -> dict:
    """The variables of the guide's environment file (the ``sh`` block that starts with its path)."""
    match = re.search(rf"```sh\n# {re.escape(ENVIRONMENT_FILE)}\n(.*?)```", guide.read_text(), re.S)
    if not match:
        sys.exit(f"docs/DEPLOY.md has no environment file block (# {ENVIRONMENT_FILE})")
    variables = {}
    for line in match.group(1).splitlines():
        name, equals, value = line.partition("=")
        if equals and re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
            variables[name] = value.strip().removeprefix('"').removesuffix('"')
    return variables


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        # Only the guide's settings: none of the caller's (a DEBUG=true or HTTPS of a dev shell).
        environment = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "PYTHONPATH", "TMPDIR")
                       if key in os.environ}
        environment.update(guide_environment())
        environment.update(SECRET_KEY=secrets.token_urlsafe(50), COMPTOIR_VAR_DIR=scratch,
                           MEDIA_ROOT=str(Path(scratch) / "media"))
        command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
        return subprocess.run(command, cwd=ROOT, env=environment).returncode


if __name__ == "__main__":
    sys.exit(main())
