"""A Chinese font for what the demo draws (the 演示 seal, the evidence files it uploads):
Debian's fonts-noto-cjk, which scripts/bootstrap.sh installs for the PDFs anyway."""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

#: Where fonts-noto-cjk puts the bold faces; index 2 of each collection is Simplified Chinese.
FALLBACK_FONTS = [
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2),
]


class NoChineseFont(Exception):
    pass


@lru_cache(maxsize=1)
def _font_file() -> tuple[str, int]:
    fc_match = shutil.which("fc-match")
    if fc_match:
        found = subprocess.run(
            [fc_match, "-f", "%{file}|%{index}", "sans-serif:lang=zh-cn:weight=bold"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        path, _bar, index = found.partition("|")
        if path.lower().endswith((".ttc", ".otf", ".ttf")) and "CJK" in path:
            return path, int(index or 0)
    for path, index in FALLBACK_FONTS:
        if Path(path).exists():
            return path, index
    raise NoChineseFont("找不到中文字体（请安装 fonts-noto-cjk）。")


def chinese_font(size: int) -> ImageFont.FreeTypeFont:
    path, index = _font_file()
    return ImageFont.truetype(path, size, index=index)
