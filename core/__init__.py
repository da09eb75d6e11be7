"""Shared machinery below every app: no models, no URLs, and no import of any app."""
