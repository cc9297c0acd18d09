"""python -m campaignops.bench [module ...] — runs on a throw-away SQLite database (or BENCH_DATABASE_URL)."""

import importlib
import os
import sys
import tempfile


def main() -> int:
    tmp = tempfile.mkdtemp(prefix="campaignops-bench-")
    os.environ.setdefault("CAMPAIGNOPS_DATA_DIR", tmp)
    # Never the real database: a throw-away SQLite file, or BENCH_DATABASE_URL (e.g. PostgreSQL).
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaignops.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from campaignops.bench import MODULES

    setup_test_environment()
    call_command("migrate", verbosity=0)
    wanted = sys.argv[1:]
    misses = 0
    for name in MODULES:
        if wanted and not any(w in name for w in wanted):
            continue
        module = importlib.import_module(name)
        print(f"== {name}", flush=True)
        for result in module.run():
            print(result.line(), flush=True)
            misses += not result.ok
    print(f"{misses} target(s) missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
