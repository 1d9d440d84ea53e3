"""Secrets kept out of every log record, error text and printed line.

Each HTTP client registers the key or token it sends; `redact()` replaces every registered value
(raw, and percent-encoded as it appears in a URL) and the values of secret-looking URL query
parameters with `***`. `install_log_redaction()` wraps the logging record factory, so every record
made by any logger (httpx logs request URLs at INFO, and Eluvio's token travels in the URL) is
redacted when it is created, whatever handler later formats it, at every level.

The registry is process-wide on purpose: logging is process-wide too.
"""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import quote, quote_plus

MASK = "***"
MIN_SECRET_LENGTH = 4
_SECRET_QUERY = re.compile(
    r"(?i)([?&](?:authorization|token|access_token|api_key|apikey|key|secret|webhook\.secret|"
    r"x-amz-signature|x-amz-credential|x-amz-security-token|signature)=)[^&#\s\"'<>]+"
)

_lock = threading.Lock()
_secrets: set[str] = set()
_variants: tuple[str, ...] = ()
_installed = False


def register_secret(value: str | None) -> None:
    """Remembers a key or token so that it is masked wherever it would be shown."""
    global _variants
    if not value or len(value) < MIN_SECRET_LENGTH:
        return
    with _lock:
        if value in _secrets:
            return
        _secrets.add(value)
        variants = {v for s in _secrets for v in (s, quote(s, safe=""), quote_plus(s, safe=""))}
        _variants = tuple(sorted(variants, key=len, reverse=True))  # longest first: no partial leftovers


def redact(text: str) -> str:
    if not text:
        return text
    for variant in _variants:
        if variant in text:
            text = text.replace(variant, MASK)
    return _SECRET_QUERY.sub(lambda match: match.group(1) + MASK, text)


def install_log_redaction() -> None:
    """Redacts every log record from now on (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
        previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _redact_record(record)
        return record

    logging.setLogRecordFactory(factory)


def _redact_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: leave it to logging's own error report
        return
    cleaned = redact(message)
    if cleaned != message or record.args:
        record.msg, record.args = cleaned, ()
    if record.exc_info and record.exc_info[1] is not None:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
