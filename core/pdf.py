"""PDF rendering shared by every module: WeasyPrint with no base URL and a URL fetcher that
serves only the project's own print stylesheets (``qms-static:css/<name>-print.css``) and
refuses everything else (files, HTTP, data URLs), so nothing a user typed into a record can
make the server read a file or call out. Fonts come from fontconfig (Noto Sans CJK SC),
embedded as a subset.

Templates link their stylesheet as ``<link rel="stylesheet" href="qms-static:css/jd-print.css">``.
"""

import gc
import logging
import re
import threading
from contextlib import contextmanager

from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

#: The URL scheme of the project's own print stylesheets, e.g. ``qms-static:css/jd-print.css``.
STATIC_SCHEME = "qms-static:"
#: The only files the fetcher serves (looked up through the static-files finders): the print
#: stylesheets under ``static/css/`` named ``*-print.css``.
PRINT_STYLESHEET = re.compile(r"^css/[a-z0-9_-]+-print\.css$")


class FetchRefused(ValueError):
    """WeasyPrint asked for a URL that is not one of the project's print stylesheets."""


class StaticCssFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves ``qms-static:<path>`` for the paths matching
    ``PRINT_STYLESHEET``, read from disk through the static-files finders, and refuses
    everything else. No protocol handler of the parent class is ever reached."""

    def __init__(self):
        super().__init__(allowed_protocols=())

    def fetch(self, url, headers=None):
        relative = url[len(STATIC_SCHEME) :] if url.startswith(STATIC_SCHEME) else None
        path = finders.find(relative) if relative and PRINT_STYLESHEET.match(relative) else None
        if not path:
            logger.warning("Refused to fetch %r while rendering a PDF", url[:200])
            raise FetchRefused(url)
        with open(path, "rb") as stylesheet:
            body = stylesheet.read()
        return URLFetcherResponse(url, body, headers={"Content-Type": "text/css; charset=utf-8"})


_fonts = threading.local()


def _font_config() -> FontConfiguration:
    """One font configuration per thread, kept between renders: loading the CJK fonts
    again for every document costs about a tenth of a second. Pango's font map is not
    thread-safe, hence one per thread."""
    if not hasattr(_fonts, "config"):
        _fonts.config = FontConfiguration()
    return _fonts.config


@contextmanager
def collector_paused():
    """Suspend Python's cyclic garbage collector while WeasyPrint works.

    Rendering allocates millions of short-lived objects; in a process holding a whole Django
    project, the full collections this triggers cost a fifth of the render time. The
    collector resumes afterwards and frees the cycles then (a document's transient memory
    is some tens of MB). Pausing is process-wide, so concurrent renders in threads at worst
    lose the gain."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def layout(html: str):
    """A laid-out WeasyPrint document, with no base URL and only the static CSS fetchable."""
    return HTML(string=html, base_url=None, url_fetcher=StaticCssFetcher()).render(font_config=_font_config())


def render_pdf(html: str) -> bytes:
    """PDF bytes of an HTML document, with no base URL and only the static CSS fetchable."""
    with collector_paused():
        return layout(html).write_pdf()
