"""Format modules (``FORMAT_MODULE_PATH``): one way to write a moment in every language,
``Y-m-d H:i`` in the company's time zone, so ``{{ value }}`` of a datetime reads the same as
``{{ value|date:"Y-m-d H:i" }}`` and as ``core.timefmt.local_minute``."""
