"""The formats both languages share: days as 2026-03-01, moments to the minute, 24 hours."""

DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
