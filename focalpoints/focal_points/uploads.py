"""Uploaded import files kept between the preview and the confirmation."""

from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path
from typing import Any

from flask import current_app

MAX_AGE_SECONDS = 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,40}$")


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(exist_ok=True)
    return folder


def keep(data: bytes, **meta: Any) -> str:
    """Store an uploaded file with who uploaded it for where; return its token."""
    token = secrets.token_urlsafe(18)
    (_folder() / f"{token}.bin").write_bytes(data)
    (_folder() / f"{token}.json").write_text(json.dumps({**meta, "created": time.time()}))
    return token


def take(token: str, **expected: Any) -> tuple[bytes, dict[str, Any]] | None:
    """Return a kept file if the token is valid, recent, and was made for ``expected``."""
    if not isinstance(token, str) or not _TOKEN.match(token):
        return None
    data_path, meta_path = _folder() / f"{token}.bin", _folder() / f"{token}.json"
    if not meta_path.exists() or not data_path.exists():
        return None
    meta = json.loads(meta_path.read_text())
    if time.time() - meta["created"] > MAX_AGE_SECONDS:
        discard(token)
        return None
    if any(meta.get(k) != v for k, v in expected.items()):
        return None
    return data_path.read_bytes(), meta


def discard(token: str) -> None:
    """Forget a kept file."""
    if isinstance(token, str) and _TOKEN.match(token):
        for suffix in (".bin", ".json"):
            (_folder() / f"{token}{suffix}").unlink(missing_ok=True)
