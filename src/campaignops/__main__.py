"""`campaignops` — the manage.py of the installed package.

Besides Django's own commands: serve, demo, export-plan, import-plan (hyphenated aliases of the
underscore command modules).
"""

import os
import sys

ALIASES = {"export-plan": "export_plan", "import-plan": "import_plan"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaignops.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    if len(argv) > 1:
        argv[1] = ALIASES.get(argv[1], argv[1])
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
