"""Received photos and documents: what a file is, judged by its first bytes (never by the
type the sender declares), and keeping it under the media directory with a random name.

A file is only kept when the dialog asks for one (the channel checks first), within a
quota per user and a total quota, with free disk space kept in reserve, and is never
left half-written.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import time
from datetime import datetime
from pathlib import Path

from bot.limits import Throttle
from bot.messages import Media

log = logging.getLogger(__name__)
FILES_PER_USER_HOUR = 20
TOTAL_BYTES = 2_000_000_000  # everything under the media directory
RESERVE_BYTES = 200_000_000  # free disk space that received files never take
SIZE_CACHE_SECONDS = 60.0

IMAGE_SIGNATURES = {
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
}


def sniff_image(head: bytes) -> tuple[str, str] | None:
    """(mime, extension) of a JPEG, PNG or WebP file from its first bytes, else None."""
    for signature, kind in IMAGE_SIGNATURES.items():
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    return None


_JPEG_DROPPED = {0xE1, 0xED, 0xFE}  # APP1 (EXIF, XMP: GPS, camera, owner), APP13 (IPTC), COM
_PNG_DROPPED = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"}
_WEBP_DROPPED = {b"EXIF", b"XMP "}


def strip_metadata(data: bytes) -> bytes:
    """A JPEG, PNG or WebP without its metadata (EXIF with GPS position and camera, XMP,
    text notes) and without anything appended after the image (a "motion photo" video, a
    second image with its own EXIF), so a photo that reaches the officers says nothing of
    where or by whom it was taken. Raises ValueError for a file that cannot be read as
    one: it is refused rather than kept as it came."""
    try:
        if data.startswith(b"\xff\xd8"):
            return _strip_jpeg(data)
        if data.startswith(b"\x89PNG\r\n\x1a\n"):
            return _strip_png(data)
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return _strip_webp(data)
    except IndexError as error:
        raise ValueError("a broken image") from error
    raise ValueError("not a JPEG, PNG or WebP image")


def _strip_jpeg(data: bytes) -> bytes:
    out = bytearray(b"\xff\xd8")
    index = 2
    while True:
        if index >= len(data) or data[index] != 0xFF:
            raise ValueError("a broken JPEG")
        while index < len(data) and data[index] == 0xFF:  # fill bytes before a marker
            index += 1
        marker = data[index]
        index += 1
        if marker == 0xD9:  # the end of the image: whatever follows is dropped
            return bytes(out + b"\xff\xd9")
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            out += bytes((0xFF, marker))
            continue
        length = int.from_bytes(data[index : index + 2], "big")
        if length < 2 or index + length > len(data):
            raise ValueError("a broken JPEG segment")
        if marker not in _JPEG_DROPPED:
            out += bytes((0xFF, marker)) + data[index : index + length]
        index += length
        if marker == 0xDA:  # a scan: its data runs to the next marker that is not part of it
            start = index
            while True:
                found = data.find(b"\xff", index)
                if found < 0 or found + 1 >= len(data):
                    raise ValueError("a JPEG without its end")
                follower = data[found + 1]
                if follower == 0x00 or 0xD0 <= follower <= 0xD7:  # stuffing, restart markers
                    index = found + 2
                    continue
                break
            out += data[start:found]
            index = found


def _strip_png(data: bytes) -> bytes:
    out = bytearray(data[:8])
    index = 8
    while index + 12 <= len(data):
        length = int.from_bytes(data[index : index + 4], "big")
        kind = data[index + 4 : index + 8]
        end = index + 12 + length
        if end > len(data):
            raise ValueError("a broken chunk")
        if kind not in _PNG_DROPPED:
            out += data[index:end]
        if kind == b"IEND":  # the end of the image: whatever follows is dropped
            return bytes(out)
        index = end
    raise ValueError("a PNG without its end")


def _strip_webp(data: bytes) -> bytes:
    chunks = bytearray()
    index = 12
    while index + 8 <= len(data):
        kind = data[index : index + 4]
        length = int.from_bytes(data[index + 4 : index + 8], "little")
        end = index + 8 + length + (length & 1)
        if end > len(data) + 1:
            raise ValueError("a broken chunk")
        chunk = bytearray(data[index : min(end, len(data))])
        if kind == b"VP8X" and len(chunk) > 8:
            chunk[8] &= ~0x0C & 0xFF  # no EXIF or XMP any more: clear their flags
        if kind not in _WEBP_DROPPED:
            chunks += chunk
        index = end
    return b"RIFF" + (len(chunks) + 4).to_bytes(4, "little") + b"WEBP" + bytes(chunks)


def save_media(
    media_dir: Path, prefix: str, kind: str, mime: str, extension: str, data: bytes
) -> Media:
    """Write a received file as `{prefix}-{random}{extension}` (0600, in a 0700 folder;
    a photo without its metadata),
    all or nothing: written under a temporary name, then renamed; the Media that points
    at it. Raises OSError (disk full) with nothing left behind, ValueError for an image
    that cannot be read."""
    if kind == "image":
        data = strip_metadata(data)  # ValueError: not kept at all
    media_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = media_dir / f"{prefix}-{secrets.token_hex(12)}{extension}"
    partial = path.with_name(path.name + ".part")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        partial.rename(path)
    except OSError:
        partial.unlink(missing_ok=True)
        raise
    return Media(kind, mime, len(data), str(path))


def keep_photo(
    data: bytes, *, quota: MediaQuota, user_key: str, media_dir: Path, prefix: str, channel: str
) -> Media | None:
    """A photo a platform delivered, kept on disk; None (logged without its content) when it
    is over the user's quota or the disk reserve, is not a photo by its first bytes (the
    dialog asks only for photos), or cannot be read or written."""
    if not quota.admit(user_key, len(data)):
        return None
    sniffed = sniff_image(data[:16])
    if sniffed is None:
        log.info("%s: a file that is not a photo was not kept", channel)
        return None
    mime, extension = sniffed
    log.info("%s: photo received (%d bytes)", channel, len(data))
    try:
        return save_media(media_dir, prefix, "image", mime, extension, data)
    except (OSError, ValueError) as error:
        log.error("%s: a received file could not be saved: %s", channel, error)
        return None


class MediaQuota:
    """Whether one more received file may be kept: per user, in total, and on the disk."""

    def __init__(
        self,
        media_dir: Path,
        per_user_hour: int = FILES_PER_USER_HOUR,
        total_bytes: int = TOTAL_BYTES,
        reserve_bytes: int = RESERVE_BYTES,
    ) -> None:
        self.media_dir = media_dir
        self.total_bytes = total_bytes
        self.reserve_bytes = reserve_bytes
        self._per_user = Throttle(per_user_hour, per_user_hour / 60)
        self._size = 0
        self._sized_at = -SIZE_CACHE_SECONDS

    def admit(self, user_key: str, size: int) -> bool:
        """Count one file of `size` bytes for `user_key` if it fits; False: do not keep it."""
        if self._used() + size > self.total_bytes:
            log.warning("media refused: the media folder is at its total quota")
            return False
        try:
            free = shutil.disk_usage(self._existing_folder()).free
        except OSError:
            return False
        if free - size < self.reserve_bytes:
            log.warning("media refused: less than the reserve of free disk space is left")
            return False
        if not self._per_user.allows(user_key):
            log.warning("media refused: one user sent too many files within an hour")
            return False
        self._size += size
        return True

    def _existing_folder(self) -> Path:
        folder = self.media_dir
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        return folder

    def _used(self) -> int:
        """Bytes under the media folder, counted again at most once a minute."""
        if time.monotonic() - self._sized_at >= SIZE_CACHE_SECONDS:
            self._size = folder_size(self.media_dir)
            self._sized_at = time.monotonic()
        return self._size


def folder_size(folder: Path) -> int:
    """The bytes of the files directly in `folder` (0 if it does not exist)."""
    try:
        return sum(entry.stat().st_size for entry in os.scandir(folder) if entry.is_file())
    except OSError:
        return 0


def remove_unattached(folder: Path, in_use: set[str], older_than: datetime) -> int:
    """Delete received files that no report or open dialog refers to and that are older
    than `older_than`; returns how many."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    cutoff = older_than.timestamp()
    kept = {os.path.abspath(path) for path in in_use}
    for entry in entries:
        if (
            entry.is_file()
            and os.path.abspath(entry.path) not in kept
            and entry.stat().st_mtime < cutoff
        ):
            Path(entry.path).unlink(missing_ok=True)
            removed += 1
    return removed
