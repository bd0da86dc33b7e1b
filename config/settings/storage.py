"""Uploaded files (evidence, objection grounds, commitment letters): outside any URL the
web server serves, read back only through the download endpoint that checks visibility."""

from pathlib import Path

import environ

from .base import VAR_DIR

env = environ.Env()

# Not under STATIC_ROOT or MEDIA_ROOT: nothing here is ever served by path.
CHENGXIN_UPLOAD_ROOT = Path(env.str("CHENGXIN_UPLOAD_ROOT", default=str(VAR_DIR / "uploads")))
# Checked while the bytes stream in; a larger file is refused and nothing of it is kept.
CHENGXIN_UPLOAD_MAX_BYTES = env.int("CHENGXIN_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
# Every multipart upload keeps at most CHENGXIN_UPLOAD_MAX_BYTES + 1 bytes of a file on disk,
# so an oversized request is refused by size without first filling the temporary folder.
FILE_UPLOAD_HANDLERS = ["casework.uploads.CappedUploadHandler"]
