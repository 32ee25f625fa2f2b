"""Rendered parts of pages, kept per process under a key that names everything they show.

A fragment is rendered from a template that reads only its context: no ``current_user``, no
request, no clock. Its key is built from that same context (the records shown, the viewer's
permissions as flags, the day), plus the template, the reader's language and the URL prefix,
so a change to any of them renders it again. Nothing is ever invalidated by hand, and another
worker's write is seen as soon as the records read for the key show it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Hashable, Mapping
from threading import Lock
from typing import Any

from cachetools import LRUCache
from flask import Flask, current_app, render_template, request
from markupsafe import Markup

from focalpoints.i18n import current_language

_EXTENSION_KEY = "focalpoints.fragments"


class _Key:
    """A key that hashes once: the cache looks a key up several times, and keys hold many rows."""

    __slots__ = ("_hash", "parts")

    def __init__(self, parts: tuple[Hashable, ...]) -> None:
        self.parts = parts
        self._hash = hash(parts)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Key) and self._hash == other._hash and self.parts == other.parts


def size_in_memory(html: str) -> int:
    """The bytes a string takes in memory: one to four per character, the widest character
    deciding for the whole string (PEP 393), so a page with Arabic or Chinese in it (the
    language switcher) takes two or four bytes for each of its characters."""
    return sys.getsizeof(html)


class FragmentCache:
    """Rendered HTML, at most ``size`` bytes of it in memory, least recently used out first;
    safe across threads."""

    def __init__(self, size: int) -> None:
        self._entries: LRUCache[Hashable, Markup] = LRUCache(maxsize=size, getsizeof=size_in_memory)
        self._lock = Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Markup | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
            else:
                self.hits += 1
            return found

    def put(self, key: Hashable, html: Markup) -> None:
        if size_in_memory(html) > self._entries.maxsize:
            return  # larger than the whole cache
        with self._lock:
            self._entries[key] = html

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """How many bytes of memory its HTML takes."""
        return self._entries.currsize

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def init_app(app: Flask) -> None:
    """Give the app its cache; ``FRAGMENT_CACHE_BYTES`` 0 turns caching off (the setting's
    former name, ``FRAGMENT_CACHE_CHARS``, still counts, now as bytes)."""
    size = int(app.config.get("FRAGMENT_CACHE_CHARS", app.config.get("FRAGMENT_CACHE_BYTES", 0)))
    app.extensions[_EXTENSION_KEY] = FragmentCache(size) if size > 0 else None


def fragment_cache() -> FragmentCache | None:
    """The current app's cache (None when turned off)."""
    return current_app.extensions.get(_EXTENSION_KEY)


def render_fragment(
    template: str, key: Hashable, context: Callable[[], Mapping[str, Any]]
) -> Markup:
    """Render ``template`` with what ``context()`` returns, or reuse the rendering for ``key``.

    ``key`` must determine the context entirely: equal keys must render the same. The context
    is built only when the fragment is rendered, so a cached page skips that work too.
    """
    cache = fragment_cache()
    if cache is None:
        return _render(template, context())
    full_key = _Key((template, current_language(), request.script_root, key))
    html = cache.get(full_key)
    if html is None:
        html = _render(template, context())
        cache.put(full_key, html)
    return html


def _render(template: str, context: Mapping[str, Any]) -> Markup:
    # Jinja escaped every variable while rendering: the result is HTML as a page would send it.
    return Markup(render_template(template, **context))  # noqa: S704  # nosec B704
