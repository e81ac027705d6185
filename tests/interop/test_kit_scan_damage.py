"""Every QR code on a kit sheet still decodes after the damage of printing and scanning:
a 300 dpi scan, blur, a few degrees of tilt, grey paper, speckles and JPEG compression
at quality 50. The damage is made with Pillow, deterministically; the decoder is
`zbarimg`, the one the sheets tell people to use.

Run with the real CLI and tools (poppler-utils, zbar-tools):
    cargo build -p keywarden-cli
    KEYWARDEN_BIN=target/debug/keywarden tests/.venv/bin/python -m pytest tests/interop -q
"""

import random
from pathlib import Path

import pytest
from PIL import Image, ImageFilter

from test_cli_formats import Vault, tool
from test_kit_recovery import codes, scan

# (name, tilt in degrees, blur radius in pixels at 300 dpi, JPEG quality). Measured
# margin: 3 degrees with blur 1.0 decoded every code in four fresh kits on 2026-12-01,
# then lost one code of ten in a CI run on 2026-12-02; 4 degrees lost one in five kits.
# So at this module size (1.35 pt) zbarimg reads 2 degrees with blur reliably, and that
# is what is claimed; larger modules or error correction H would buy more.
DAMAGE = [
    ("clean-jpeg50", 0.0, 0.0, 50),
    ("blur", 0.0, 1.6, 50),
    ("tilt-left", -2.0, 1.0, 50),
    ("tilt-right", 2.0, 1.0, 50),
]


def damage(page: Path, out: Path, tilt: float, blur: float, quality: int, seed: int) -> Path:
    """The page as a worn scanner would see it: grey paper, speckles, tilt, blur, JPEG."""
    image = Image.open(page).convert("L")
    rng = random.Random(seed)
    pixels = image.load()
    width, height = image.size
    # Paper is never white and toner is never black.
    image = image.point(lambda v: 40 + v * 190 // 255)
    pixels = image.load()
    for _ in range(width * height // 400):
        x, y = rng.randrange(width), rng.randrange(height)
        pixels[x, y] = rng.choice((40, 230))
    if tilt:
        image = image.rotate(tilt, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=230)
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    image.save(out, "JPEG", quality=quality)
    return out


@pytest.fixture(scope="module")
def sheet_pages(tmp_path_factory) -> tuple[list[Path], int]:
    """The pages of one sheet of a 2-of-3 split kit of an RSA-4096 key (many codes), and
    how many codes are on them."""
    for name in ("pdftoppm", "zbarimg"):
        tool(name)
    tmp = tmp_path_factory.mktemp("damage")
    vault = Vault(tmp / "v.keywarden")
    key = vault.json("key", "gen", "--name", "Archive signing", "--alg", "rsa-4096")["key"]
    out = tmp / "kit"
    vault.json("kit", "create", key["id"], "--kind", "split", "--threshold", "2",
               "--custodian", "Ada", "--custodian", "Bea", "--custodian", "Cy",
               "--out", str(out))
    sheet = sorted(out.glob("*.pdf"))[0]
    pages = scan(sheet, dpi=300)
    clean = codes(pages)
    assert len(clean) > 3, clean
    return pages, len(clean)


@pytest.mark.parametrize("name,tilt,blur,quality", DAMAGE, ids=[d[0] for d in DAMAGE])
def test_every_code_decodes_after_print_and_scan_damage(sheet_pages, tmp_path, name, tilt,
                                                        blur, quality):
    pages, expected = sheet_pages
    damaged = [damage(page, tmp_path / f"{name}-{i}.jpg", tilt, blur, quality, seed=i)
               for i, page in enumerate(pages)]
    read = codes(damaged)
    assert len(set(read)) == expected, f"{name}: {len(set(read))} of {expected} codes decoded"
