"""Fixtures of the training tests: pages and messages in English, and the shared fixtures
of ``tests/training/fixtures.py``."""

import pytest
from django.utils import translation

from tests.training.fixtures import catalogue, forklift_post, gm, operator_jd, qualify  # noqa: F401


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def client(client, settings):
    """Pages in English, so they can be compared with the source strings."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
