"""What every bench script shares: its own SQLite database under ``var/``, and timing a page
with its query count.

Bench scripts run as ``python bench/<name>_bench.py``, so this module is importable as
``harness`` from them.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(bench_dir: Path, fresh: bool) -> None:
    """Point the settings at the bench's own database (never the demo's), then start Django."""
    bench_dir.mkdir(parents=True, exist_ok=True)
    (bench_dir / "static").mkdir(exist_ok=True)  # STATIC_ROOT: keeps whitenoise from warning
    database = bench_dir / "db.sqlite3"
    if fresh:
        database.unlink(missing_ok=True)
    os.environ["QMS_VAR_DIR"] = str(bench_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "qms_site.settings"
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))

    import django

    django.setup()


def measure(client, url, runs: int):
    """(most queries of a run, median seconds, last response) of ``runs`` requests after a
    warm-up request; a response other than 200 stops the bench."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    times, queries = [], set()
    for _run in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        queries.add(len(captured.captured_queries))
    return max(queries), statistics.median(times), response
