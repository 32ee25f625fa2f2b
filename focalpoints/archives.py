"""Zip archives from uploads (Office and OpenDocument files), opened within bounds.

A zip member can inflate a thousandfold: a 0.6 MB file can hold 600 MB. Before anything reads
an uploaded archive it is checked here: how many entries it has (counted from its end record,
before Python builds an object per entry), how large its members say they are in total, and
how much each one inflates. A member is then read at most up to the size it declares (Python's
zipfile stops there and checks the CRC), and :func:`read_member` reads no more than asked.
"""

from __future__ import annotations

import io
import struct
import zipfile

from flask import current_app

_END_RECORD = struct.Struct("<4s4H2LH")  # the end of central directory record
_END_SIGNATURE = b"PK\x05\x06"
# Members smaller than this cannot hurt whatever their ratio (a page of blank cells inflates a lot).
_RATIO_FLOOR_BYTES = 1024 * 1024
# The central directory of an archive of ARCHIVE_MAX_ENTRIES entries with ordinary names.
_DIRECTORY_BYTES_PER_ENTRY = 512


class UnsafeArchive(ValueError):
    """The archive is not one to read: malformed, too many entries, or inflating too much."""


def open_archive(data: bytes, max_bytes: int | None = None) -> zipfile.ZipFile:
    """Open ``data`` as a zip archive after checking its bounds; UnsafeArchive otherwise.

    ``max_bytes`` caps the members' declared sizes in total (ARCHIVE_MAX_BYTES by default).
    """
    config = current_app.config
    max_entries = config["ARCHIVE_MAX_ENTRIES"]
    max_ratio = config["ARCHIVE_MAX_RATIO"]
    max_bytes = config["ARCHIVE_MAX_BYTES"] if max_bytes is None else max_bytes
    _check_end_record(data, max_entries)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise UnsafeArchive("not a readable zip archive") from error
    try:
        infos = archive.infolist()
        if len(infos) > max_entries:
            raise UnsafeArchive("too many entries")
        if sum(info.file_size for info in infos) > max_bytes:
            raise UnsafeArchive("inflates beyond the limit")
        for info in infos:
            if info.file_size > _RATIO_FLOOR_BYTES and (
                info.file_size > max_ratio * max(info.compress_size, 1)
            ):
                raise UnsafeArchive("a member inflates too much")
    except UnsafeArchive:
        archive.close()
        raise
    return archive


def read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """The member ``name``, if it holds at most ``limit`` bytes; UnsafeArchive otherwise."""
    try:
        with archive.open(name) as member:
            content = member.read(limit + 1)
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise UnsafeArchive("unreadable member") from error
    if len(content) > limit:
        raise UnsafeArchive("member too large")
    return content


def _check_end_record(data: bytes, max_entries: int) -> None:
    """Count the entries from the end record, before zipfile makes an object for each."""
    at = data.rfind(_END_SIGNATURE, max(0, len(data) - 65_536 - _END_RECORD.size))
    if at < 0 or len(data) - at < _END_RECORD.size:
        raise UnsafeArchive("no end record")
    fields = _END_RECORD.unpack_from(data, at)
    entries, directory_size = fields[4], fields[5]
    if entries > max_entries or directory_size > max_entries * _DIRECTORY_BYTES_PER_ENTRY:
        raise UnsafeArchive("too many entries")
