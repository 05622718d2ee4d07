"""Regenerate the Kazakhstan profile pictures in docs/bilateral.md.

    python docs/img/make_bilateral_images.py [path/to/shared/data]

The figures are migecon's own output (``mg.country_profile``) from the real
data in ``../shared/data`` (World Bank WDI, World Bank/KNOMAD matrix, UN DESA),
saved at 100 dpi to keep the repository small; the library's default is 300.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import migecon as mg

HERE = Path(__file__).resolve().parent
DATA = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[2] / "shared" / "data"

if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        profile = mg.country_profile("KAZ", data=DATA, out=tmp, dpi=100)
        for key in ("remittances", "corridors", "migrants", "growth"):
            shutil.copy(profile.files[key], HERE / profile.files[key].name)
            print(HERE / profile.files[key].name)
        print(profile.headline())
        diff = mg.vintage_diff(DATA / "wdi" / "vintage2018", DATA / "wdi" / "long",
                               codes=["BX.TRF.PWKR.CD.DT", "SM.POP.TOTL"], out=tmp, dpi=100)
        shutil.copy(diff.files["figure"], HERE / "vintage_diff.png")
        print(diff.summary())
