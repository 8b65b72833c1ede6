"""Received photos and documents: what a file is, judged by its first bytes (never by the
type the sender declares), and keeping it under the media directory with a random name."""

from __future__ import annotations

import secrets
from pathlib import Path

from bot.messages import Media

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


def save_media(
    media_dir: Path, prefix: str, kind: str, mime: str, extension: str, data: bytes
) -> Media:
    """Write a received file as `{prefix}-{random}{extension}`; the Media that points at it."""
    media_dir.mkdir(parents=True, exist_ok=True)
    path = media_dir / f"{prefix}-{secrets.token_hex(12)}{extension}"
    path.write_bytes(data)
    return Media(kind, mime, len(data), str(path))
