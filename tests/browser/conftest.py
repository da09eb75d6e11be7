"""Browser tests: Debian's chromium driven through Playwright's sync API against
pytest-django's ``live_server``.

Playwright's sync API runs an asyncio event loop in the test thread, so Django would refuse
ORM calls from that thread as "async unsafe"; the tests and fixtures here are synchronous
code, so that check is switched off for them.
"""

import os
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings):
    """The live server serves static files from the finders; no ``collectstatic`` manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


class Chromium:
    """Starts chromium on first use, inside the test, so a missing browser fails the test."""

    def __init__(self, base_url):
        self.base_url = base_url
        self._playwright = None
        self._browser = None
        self._contexts = []

    def new_page(self, locale="zh-CN"):
        if self._browser is None:
            if not CHROMIUM.exists():
                pytest.fail(
                    f"{CHROMIUM} is missing: browser tests need Debian's chromium (apt-get install chromium).",
                    pytrace=False,
                )
            from playwright.sync_api import sync_playwright

            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
        context = self._browser.new_context(
            base_url=self.base_url, locale=locale, viewport={"width": 1400, "height": 1000}
        )
        context.set_default_timeout(15_000)
        if not locale.lower().startswith("zh"):
            # The site ignores Accept-Language (Chinese unless chosen): choose like a user would.
            context.add_cookies([{"name": "django_language", "value": locale.split("-")[0], "url": self.base_url}])
        self._contexts.append(context)
        return context.new_page()

    def close(self):
        for context in self._contexts:
            context.close()
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()


@pytest.fixture
def chromium(live_server, transactional_db):
    browser = Chromium(live_server.url)
    yield browser
    browser.close()
