"""Private files (receipts and other uploads): MEDIA_ROOT/private/<kind>/<campaign id>/…, never served
under a URL. A deleted campaign takes its files with it, once the deletion has committed."""

import shutil
from pathlib import Path

from django.conf import settings


def private_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "private"


def remove_campaign_files(campaign_id: int) -> list[Path]:
    """Delete every <kind>/<campaign_id> folder under the private root; returns what was removed."""
    root = private_root()
    removed = []
    if not root.is_dir():
        return removed
    for kind in root.iterdir():
        folder = kind / str(int(campaign_id))
        if kind.is_dir() and folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder)
            removed.append(folder)
    return removed
