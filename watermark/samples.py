"""Synthetic pictures like the ones cunneng marks: photos, dark stills, scanned forms.

Tests and the benchmark generate their images here, so they run on varied, realistic
content (gradients, noise, shapes; a white page with Chinese text, ruled lines and a red
stamp) without shipping binary fixtures.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
_FORM_TEXT = (
    "村能办便民服务事项受理即审查审核即审批资料补充回执清单限时办结好差评"
    "申请人姓名身份证号码联系电话家庭住址申请事项办理意见经办人签字日期"
    "广元市昭化区探索农村基层公共服务微改革积极推行便民服务村能办审批模式"
)


def psnr(original: Image.Image, marked: Image.Image) -> float:
    """Peak signal-to-noise ratio in dB between two pictures of the same size."""
    difference = np.asarray(original, np.float64) - np.asarray(marked, np.float64)
    return float(10 * np.log10(255.0**2 / max(float(np.mean(difference**2)), 1e-12)))


def photo(width: int, height: int, seed: int) -> Image.Image:
    """A photo-like RGB picture: colour gradient, soft blotches, shapes and sensor grain."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, np.pi)
    ramp = (np.cos(angle) * xs / width + np.sin(angle) * ys / height)[..., None]
    low, high = rng.uniform(20, 235, 3), rng.uniform(20, 235, 3)
    pixels = low + (high - low) * ramp
    blotches = Image.fromarray(rng.uniform(0, 255, (6, 8, 3)).astype(np.uint8), "RGB")
    pixels = 0.6 * pixels + 0.4 * np.asarray(blotches.resize((width, height), Image.Resampling.BICUBIC))
    picture = Image.fromarray(pixels.clip(0, 255).astype(np.uint8), "RGB")
    _draw_shapes(picture, rng)
    picture = picture.filter(ImageFilter.GaussianBlur(max(width, height) / 1500))
    grain = rng.normal(0, 3, (height, width, 1)).astype(np.float32)
    return Image.fromarray((np.asarray(picture) + grain).clip(0, 255).astype(np.uint8), "RGB")


def _draw_shapes(picture: Image.Image, rng: np.random.Generator) -> None:
    """Ellipses, boxes and bars in random colours, some textured with stripes."""
    draw = ImageDraw.Draw(picture)
    width, height = picture.size
    for _ in range(14):
        x0, y0 = rng.uniform(-0.1, 0.9) * width, rng.uniform(-0.1, 0.9) * height
        x1, y1 = x0 + rng.uniform(0.05, 0.4) * width, y0 + rng.uniform(0.05, 0.4) * height
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
        else:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
    for _ in range(30):
        x0, y0 = rng.uniform(0, width), rng.uniform(0, height)
        shade = int(rng.integers(0, 256))
        draw.line((x0, y0, x0 + rng.normal(0, width / 8), y0 + rng.normal(0, height / 8)),
                  fill=(shade, shade, shade), width=max(1, width // 400))


def dark_photo(width: int, height: int, seed: int) -> Image.Image:
    """A low-light picture: the photo squeezed into the bottom fifth of the range."""
    pixels = np.asarray(photo(width, height, seed), dtype=np.float32) * 0.2
    return Image.fromarray(pixels.astype(np.uint8), "RGB")


def video_still(seed: int) -> Image.Image:
    """A 640x480 frame from a video call: soft, photo-like."""
    return photo(640, 480, seed).filter(ImageFilter.GaussianBlur(1.0))


def text_scan(width: int, height: int, seed: int) -> Image.Image:
    """A scanned form: white page, Chinese text, ruled table, signature and red stamp."""
    rng = np.random.default_rng(seed)
    page = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(page)
    size = max(10, width // 45)
    font = ImageFont.truetype(CJK_FONT, size)
    margin, line = width // 12, int(size * 1.8)
    title = ImageFont.truetype(CJK_FONT, size * 2)
    draw.text((width // 2, margin), "便民服务事项申请表", fill=(0, 0, 0), font=title, anchor="mt")
    chars = (width - 2 * margin) // size
    y = margin + size * 4
    for row in range(int((height * 0.75 - y) / line)):
        start = int(rng.integers(0, len(_FORM_TEXT)))
        text = (_FORM_TEXT * 3)[start:start + int(rng.integers(chars // 2, chars))]
        draw.text((margin, y + row * line), text, fill=(20, 20, 20), font=font)
        if row % 4 == 3:
            draw.line((margin, y + row * line + size * 1.4, width - margin,
                       y + row * line + size * 1.4), fill=(0, 0, 0), width=max(1, size // 12))
    _draw_stamp(draw, (int(width * 0.7), int(height * 0.84)), width // 9, size)
    return page


def _draw_stamp(draw: ImageDraw.ImageDraw, centre: tuple[int, int], radius: int,
                size: int) -> None:
    """A red round seal (公章) with a star and a line of text."""
    x, y = centre
    red = (210, 30, 30)
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=red,
                 width=max(2, radius // 14))
    star = [(x + radius * 0.35 * r * np.sin(a), y - radius * 0.35 * r * np.cos(a))
            for a, r in zip(np.linspace(0, 2 * np.pi, 10, endpoint=False), [1, 0.4] * 5)]
    draw.polygon(star, fill=red)
    font = ImageFont.truetype(CJK_FONT, size)
    draw.text((x, y + radius * 0.55), "昭化区便民服务中心", fill=red, font=font, anchor="mm")
