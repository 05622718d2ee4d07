"""Combined sources: World Bank indicators and UN DESA diaspora shares in one build."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import migecon as mg
from migecon.errors import DataError, SourceError, SpecificationError
from migecon.replicate.runner import load_panel
from migecon.replicate.spec import DatasetSpec

POP = "Country Name,Country Code,Year,Value\nNepal,NPL,2000,24000000\nNepal,NPL,2005,26000000\n"
GROWTH_A = "Country Name,Country Code,Year,Value\nNepal,NPL,2000,1.5\nNepal,NPL,2005,2.5\n"
GROWTH_B = "Country Name,Country Code,Year,Value\nNepal,NPL,2000,9.0\nNepal,NPL,2005,9.0\n"
TOTALS = ("year,country,immigrant_stock,emigrant_stock\n"
          "2000,Nepal,700000,1200000\n2005,Nepal,650000,1560000\n")


def _files(tmp_path: Path) -> tuple[Path, Path, Path]:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "sp.pop.totl.csv").write_text(POP)
    (a / "ny.gdp.pcap.kd.zg.csv").write_text(GROWTH_A)
    (b / "ny.gdp.pcap.kd.zg.csv").write_text(GROWTH_B)
    totals = tmp_path / "totals.csv"
    totals.write_text(TOTALS)
    return a, b, totals


def test_each_indicator_comes_from_the_first_source_that_holds_it(tmp_path):
    a, b, totals = _files(tmp_path)
    wdi_a, wdi_b = mg.sources.WDIFiles(a), mg.sources.WDIFiles(b)
    undesa = mg.sources.UNDESA(totals, population=wdi_a)
    both = mg.sources.Combined(wdi_b, wdi_a, undesa)
    data = both.fetch(["NY.GDP.PCAP.KD.ZG", "SP.POP.TOTL", "diaspora_share", "NOT.A.CODE"])
    assert data.report["from"] == {"NY.GDP.PCAP.KD.ZG": wdi_b.name,
                                   "SP.POP.TOTL": wdi_a.name, "diaspora_share": "undesa"}
    assert data.report["missing"] == ["NOT.A.CODE"]
    growth = data.values[data.values["code"] == "NY.GDP.PCAP.KD.ZG"]["value"]
    assert growth.tolist() == [9.0, 9.0]                 # b was listed first
    # UN DESA was asked only for its own series (it rejects World Bank codes).
    share = data.values[data.values["code"] == "diaspora_share"].set_index("year")["value"]
    assert share.to_dict() == pytest.approx({2000: 100 * 1.2e6 / 24e6,
                                             2005: 100 * 1.56e6 / 26e6})
    assert both.has("diaspora_share") is True and both.has("NOT.A.CODE") is False


def test_build_panel_with_a_combined_source_and_its_report(tmp_path):
    a, _, totals = _files(tmp_path)
    wdi = mg.sources.WDIFiles(a)
    panel = mg.build_panel({"growth": "NY.GDP.PCAP.KD.ZG", "diaspora": "diaspora_share"},
                           mg.sources.Combined(wdi, mg.sources.UNDESA(totals, population=wdi)))
    assert panel.columns == ["growth", "diaspora"]
    assert panel["diaspora"].dropna().tolist() == pytest.approx([5.0, 6.0])
    assert panel.variables["diaspora"].source.startswith("United Nations")
    assert panel.metadata["source"] == f"{wdi.name} + undesa"
    with pytest.raises(SourceError, match=r"not found .*nothing \(NOT.A.CODE\)"):
        mg.build_panel({"growth": "NY.GDP.PCAP.KD.ZG", "nothing": "NOT.A.CODE"},
                       mg.sources.Combined(wdi))
    with pytest.raises(DataError, match="at least one source"):
        mg.sources.Combined()
    with pytest.raises(DataError, match="objects with a fetch method"):
        mg.sources.Combined("data/wdi")  # type: ignore[arg-type]


def test_recipe_with_a_list_of_sources(tmp_path):
    a, _, totals = _files(tmp_path)
    recipe = {"indicators": {"growth": "NY.GDP.PCAP.KD.ZG", "diaspora": "diaspora_share"},
              "source": [{"type": "wdi_files", "path": str(a)},
                         {"type": "undesa", "totals": str(totals), "population": "wdi_files"}]}
    panel, notes = load_panel(DatasetSpec(recipe=recipe))
    assert panel["diaspora"].dropna().tolist() == pytest.approx([5.0, 6.0])
    assert "from wdi_files + undesa" in notes[-1]
    bad = {**recipe, "source": [{"type": "undesa", "totals": str(totals),
                                 "population": "wdi_files"}]}
    with pytest.raises(SpecificationError, match="must name a World Bank source listed before"):
        load_panel(DatasetSpec(recipe=bad))


def test_real_diaspora_in_five_year_panel_equals_start_of_period_stocks(shared_data):
    wdi = mg.sources.WDIFiles(shared_data / "wdi" / "long")
    undesa = mg.sources.UNDESA(
        totals=shared_data / "migrant_stock" / "undesa_ims2020_country_totals.csv",
        population=wdi, on_unknown="drop")
    # Growth has a few periods with one or two years (set missing and warned about);
    # the diaspora, observed once per period by design, keeps every value.
    with pytest.warns(mg.errors.DroppedDataWarning, match="rest on too few years") as caught:
        panel = mg.build_panel({"growth": "NY.GDP.PCAP.KD.ZG", "diaspora": "diaspora_share"},
                               mg.sources.Combined(wdi, undesa), years=(1990, 2019),
                               frequency="5y")
    assert not any("diaspora" in str(w.message) for w in caught)
    # Direct route: the UN DESA series (observed every five years) at each period's start.
    direct = undesa.fetch(["diaspora_share"]).values.set_index(["iso3", "year"])["value"]
    got = panel["diaspora"].dropna()
    expected = direct.reindex(got.index)
    assert len(got) > 700
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-12)


def test_command_line_builds_world_bank_and_un_desa_together(tmp_path, capsys):
    from migecon.cli import main

    a, _, totals = _files(tmp_path)
    out = tmp_path / "panel.csv"
    assert main(["build", "--data", str(a), "--undesa-totals", str(totals),
                 "--indicator", "growth=NY.GDP.PCAP.KD.ZG",
                 "--indicator", "diaspora=diaspora_share", "--out", str(out)]) == 0
    assert "diaspora" in capsys.readouterr().out
    frame = pd.read_csv(out).dropna()
    assert frame["diaspora"].tolist() == pytest.approx([5.0, 6.0])
    assert main(["build", "--file", str(totals), "--entity", "country",
                 "--undesa-totals", str(totals), "--out", str(tmp_path / "x.csv")]) == 1
    assert "go with --data or --api" in capsys.readouterr().err


class _NoHas:
    """A source that cannot say what it holds (like the World Bank API)."""

    name = "api-like"

    def __init__(self) -> None:
        self.asked: list[list[str]] = []

    def fetch(self, codes, *, years=None):
        self.asked.append(list(codes))
        if any(not c.startswith("NY.") for c in codes):
            raise SourceError(f"unknown indicator(s) {codes}")
        values = pd.DataFrame({"code": ["NY.GDP.PCAP.KD.ZG"], "iso3": ["NPL"], "year": [2000],
                               "value": [4.0]})
        return mg.sources.SourceData(values=values, meta={}, report={"missing": []})


def test_a_source_without_has_is_not_asked_for_codes_another_source_claims(tmp_path):
    a, _, totals = _files(tmp_path)
    api = _NoHas()
    both = mg.sources.Combined(api, mg.sources.UNDESA(totals, population=mg.sources.WDIFiles(a)))
    data = both.fetch(["NY.GDP.PCAP.KD.ZG", "diaspora_share"])
    assert api.asked == [["NY.GDP.PCAP.KD.ZG"]]
    assert data.report["from"] == {"NY.GDP.PCAP.KD.ZG": "api-like", "diaspora_share": "undesa"}


def test_mixed_un_desa_revisions_warn_and_unknown_vintages_say_so(shared_data):
    """Issue 14, item 6: WDI's migrant stock (IMS 2024 in the 2026-07 WDI) beside the
    diaspora share of IMS 2020 files is a mix of revisions; a file without a stated
    vintage records "unknown", its file date labelled as such."""
    wdi = mg.sources.WDIFiles(shared_data / "wdi" / "long", shared_data / "wdi" / "bulk")
    undesa = mg.sources.UNDESA(
        totals=shared_data / "migrant_stock" / "undesa_ims2020_country_totals.csv",
        population=wdi, on_unknown="drop")
    with pytest.warns(mg.errors.ProvenanceWarning, match="mixes UN DESA International "
                                                          "Migrant Stock revisions"):
        panel = mg.build_panel({"migrant_stock": "SM.POP.TOTL", "diaspora": "diaspora_share",
                                "internet": "IT.NET.USER.ZS"},
                               mg.sources.Combined(wdi, undesa), years=(1990, 2024))
    revisions = panel.metadata["build_report"]["un_desa_revisions"]
    assert revisions["diaspora"] == "IMS 2020"
    assert revisions["migrant_stock"].startswith("IMS 2024")
    # The two revisions disagree on Kazakhstan (WDI long file vs IMS 2020 totals file).
    stock = panel["migrant_stock"].loc[("KAZ", 2020)]
    totals = pd.read_csv(shared_data / "migrant_stock" / "undesa_ims2020_country_totals.csv")
    kaz = totals[(totals.iloc[:, 1] == "Kazakhstan") & (totals.iloc[:, 0] == 2020)]
    assert abs(stock - float(kaz.iloc[0, 2])) > 1e6
    internet = panel.variables["internet"].vintage
    assert internet.startswith("unknown (the source states none; file dated ")
    assert internet.endswith("on this machine)")
    # One revision only: no warning.
    alone = mg.build_panel({"migrant_stock": "SM.POP.TOTL"}, wdi, years=(1990, 2024))
    assert alone.metadata["build_report"]["un_desa_revisions"] == {
        "migrant_stock": "IMS 2024 (its data reach 2024)"}
