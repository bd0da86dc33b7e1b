"""What an upload must pass beyond its type and size (casework.upload_safety)."""

import environ

env = environ.Env()

# Dotted path of a callable(bytes, name) -> threat name or None; None: no scanner of our own.
CHENGXIN_UPLOAD_SCANNER = env.str("CHENGXIN_UPLOAD_SCANNER", default=None)
# clamd's address, "tcp://127.0.0.1:3310" or "unix:///run/clamav/clamd.ctl": when set (and no
# scanner above), every upload is streamed to clamd first; clamd not answering refuses the file.
CHENGXIN_CLAMD = env.str("CHENGXIN_CLAMD", default=None)
CHENGXIN_CLAMD_TIMEOUT = env.float("CHENGXIN_CLAMD_TIMEOUT", default=30.0)
# Images: more pixels than this are refused before decoding (a decompression bomb).
CHENGXIN_UPLOAD_MAX_PIXELS = env.int("CHENGXIN_UPLOAD_MAX_PIXELS", default=50_000_000)
# ZIP packages (DOCX, XLSX, OFD), judged from the central directory before inflating anything.
CHENGXIN_UPLOAD_ZIP_MAX_TOTAL = env.int("CHENGXIN_UPLOAD_ZIP_MAX_TOTAL", default=100 * 1024 * 1024)
CHENGXIN_UPLOAD_ZIP_MAX_RATIO = env.int("CHENGXIN_UPLOAD_ZIP_MAX_RATIO", default=100)  # for members over 1 MB
CHENGXIN_UPLOAD_ZIP_MAX_MEMBERS = env.int("CHENGXIN_UPLOAD_ZIP_MAX_MEMBERS", default=2000)
