"""docs/DEPLOY.md is run, not only read: every ``manage.py`` command it tells the operator to run
is run here, in its order, under its environment file; the services it installs start commands
that exist with options they accept; its variables are those of the README's table.

What cannot run here is replaced, and only that: the paths of the server (/var/backups/comptoir,
/var/lib/comptoir) by temporary folders, the database by a new one of the run's kind, the
owner's password typed at ``createsuperuser`` by ``--no-input`` and DJANGO_SUPERUSER_PASSWORD, the
backup name of the restore example by the archive just made, and the new empty database and
media folder the guide prepares before ``restore`` by a second new database and folder. The
``pip install`` lines are those ``./scripts/test`` runs to install the project (CI runs it).
"""

import re
import secrets
import shlex

import pytest
from django.core.management import get_commands, load_command_class

from .conftest import ROOT, manage, shop_environment

GUIDE = ROOT / "docs" / "DEPLOY.md"
ENVIRONMENT_FILE = "/etc/comptoir/comptoir.env"
PYTHON = ".venv/bin/python manage.py "


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", GUIDE.read_text(), re.S)


def guide_environment() -> dict:
    [block] = [block for block in blocks("sh") if block.startswith(f"# {ENVIRONMENT_FILE}\n")]
    variables = {}
    for line in block.splitlines():
        name, equals, value = line.removeprefix("# ").partition("=")
        if equals and re.fullmatch(r"[A-Z][A-Z0-9_]*", name) and not line.startswith("# "):
            variables[name] = value
    return variables


def documented_variables() -> set[str]:
    [block] = [block for block in blocks("sh") if block.startswith(f"# {ENVIRONMENT_FILE}\n")]
    return set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]+)=", block, re.M))


def manage_commands() -> list[list[str]]:
    """The guide's ``manage.py`` commands, in order, as argument lists."""
    commands = []
    for block in blocks("sh"):
        for line in block.splitlines():
            if line.startswith(PYTHON):
                commands.append(shlex.split(line.removeprefix(PYTHON), comments=True))
    return commands


def test_the_guide_runs_the_commands_an_operator_needs():
    names = [command[0] for command in manage_commands()]
    for name in ("migrate", "collectstatic", "check", "createsuperuser", "backup", "restore"):
        assert name in names


def test_every_manage_command_of_the_guide_runs(tmp_path, new_databases):
    first_database, second_database = new_databases
    settings_of_guide = {**guide_environment(), "DJANGO_SUPERUSER_PASSWORD": secrets.token_urlsafe(16)}
    environment = shop_environment(first_database, tmp_path / "var", **settings_of_guide)
    environment.update(DATABASE_URL=first_database, COMPTOIR_VAR_DIR=str(tmp_path / "var"),
                       MEDIA_ROOT=str(tmp_path / "var" / "media"), SECRET_KEY=secrets.token_urlsafe(50))
    backups = tmp_path / "backups"
    for command in manage_commands():
        arguments = [argument.replace("/var/backups/comptoir", str(backups)) for argument in command]
        if command[0] == "check":
            continue  # under the guide's settings in test_check_deploy_is_silent_under_the_guide_settings
        if command[0] == "createsuperuser":
            arguments.append("--no-input")
        if command[0] == "restore":
            # The guide empties the database and moves the media folder aside first.
            [archive] = backups.glob("comptoir-backup-*.tar.gz")
            arguments = ["restore", str(archive)]
            environment.update(DATABASE_URL=second_database, MEDIA_ROOT=str(tmp_path / "restored-media"))
        manage(environment, *arguments)
    # The restored shop has the owner's account created before the backup.
    found = manage(environment, "shell", "-v", "0", "-c",
                   "from django.contrib.auth.models import User; print(User.objects.get().username)")
    assert found.stdout.strip() == "marchand"


def test_check_deploy_is_silent_under_the_guide_settings(tmp_path):
    """The production settings of the guide pass Django's deployment checks without a warning."""
    environment = shop_environment("sqlite:///unused.sqlite3", tmp_path, **guide_environment())
    environment.update(SECRET_KEY=secrets.token_urlsafe(50), COMPTOIR_VAR_DIR=str(tmp_path))
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests; a real server has none
    [check] = [command for command in manage_commands() if command[0] == "check"]
    assert check == ["check", "--deploy", "--fail-level", "WARNING"]
    manage(environment, *check)


def service_commands() -> list[tuple[str, list[str]]]:
    """(unit, ExecStart arguments) of every systemd unit of the guide that runs manage.py."""
    found = []
    for block in blocks("ini"):
        for line in block.splitlines():
            if line.startswith("ExecStart=") and "manage.py" in line:
                description = re.search(r"^Description=(.*)$", block, re.M).group(1)
                found.append((description, shlex.split(line.removeprefix("ExecStart="))))
    return found


@pytest.mark.parametrize(("unit", "command"), service_commands(), ids=lambda value: str(value)[:40])
def test_each_service_runs_a_command_that_exists_with_options_it_accepts(unit, command):
    python, script, name, *options = command
    assert python == "/srv/comptoir/.venv/bin/python" and script == "manage.py"
    app = get_commands()[name]
    parser = load_command_class(app, name).create_parser("manage.py", name)
    parser.parse_args(options)  # exits (SystemExit) on an unknown option or a bad value


def test_long_running_services_restart_by_themselves():
    for block in blocks("ini"):
        if "ExecStart=" in block and "Type=oneshot" not in block:
            assert "Restart=always" in block, block
    assert len(service_commands()) >= 2  # the worker (with the periodic jobs), backup


def test_every_variable_of_the_environment_file_is_in_the_readme_table():
    readme = (ROOT / "README.md").read_text()
    table = "\n".join(line for line in readme.splitlines() if line.startswith("| `"))
    missing = sorted(name for name in documented_variables() if f"`{name}`" not in table)
    assert missing == []

