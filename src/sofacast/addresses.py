"""Where a workspace file is served: its address under the show's base_url.

Feed, search and show notes all link the same files, so they compose addresses here and nowhere else.
"""

from __future__ import annotations

from pathlib import Path, PurePath
from urllib.parse import quote

from sofacast.errors import WorkspaceError
from sofacast.records import Show
from sofacast.sanitize import safe_url


def base_url(show: Show) -> str:
    """The show's base_url, percent-encoded, ending in a slash."""
    base = safe_url(show.base_url) or ""
    return base if base.endswith("/") else base + "/"


def address(show: Show, relative: PurePath) -> str:
    """The address of a path relative to the workspace, served under base_url."""
    return base_url(show) + "/".join(quote(part) for part in relative.parts)


def public_url(show: Show, path: Path, root: Path) -> str:
    """The address of a workspace file, its symlinks resolved. `root` is the workspace's resolved root."""
    resolved = path.resolve()
    if not resolved.is_relative_to(root):
        raise WorkspaceError(f"{path} lies outside the workspace, so it has no address under base_url",
                             "Keep the files a feed links inside the workspace.")
    return address(show, resolved.relative_to(root))


def file_link(show: Show, path: Path, root: Path) -> str:
    """The public address of a workspace file; without a usable base_url, its path in the workspace."""
    if safe_url(show.base_url) is None:
        resolved = path.resolve()
        return str(resolved.relative_to(root)) if resolved.is_relative_to(root) else public_url(show, path, root)
    return public_url(show, path, root)
