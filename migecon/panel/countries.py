"""Country harmonisation: names and ISO2 / ISO3 / World Bank codes to ISO3.

Every source spells countries its own way: the World Bank writes
``"Egypt, Arab Rep."`` and uses its own codes for Kosovo (``XKX``) and the
Channel Islands (``CHI``); UN DESA writes ``"DR Congo"`` or ``"Türkiye*"``
with a footnote marker; a user's spreadsheet may hold ISO2 codes. :func:`to_iso3`
maps all of these to one key, the three-letter code the World Bank uses for the
economy (the ISO 3166-1 alpha-3 code, except ``XKX`` and ``CHI``).

The World Bank mixes about 49 aggregates (``WLD``, ``LMY``, ``SSF``, ``EAS``,
``ARB``, ``EUU``, ``IDA``, ``HIC``, ``INX`` "Not classified", ...) in with the
countries of every indicator. :func:`to_iso3` maps aggregate names and codes to
the aggregate's code, so that :func:`is_aggregate` can find them and the panel
builder can remove them *and report them*; they are never silently treated as
unknown countries.

Matching, in order: a known three-letter code (World Bank economies and
aggregates, country_converter's ISO3 column, old World Bank codes such as
``ROM`` or ``ZAR``); a two-letter code (ISO2 and the World Bank API's own,
e.g. ``XK``, ``JG``, ``1W``); an ISO numeric code; an exact name (World Bank,
country_converter and alias tables, compared without accents, case,
punctuation or footnote markers); then country_converter's regular expressions.

country_converter 1.3.2 cannot be used through its own class under pandas 3:
``CountryConverter()`` reads its table with ``converters={col: str}``, which
pandas 3 turns into the missing value for empty cells (pandas 2 gave ``""``),
and then calls ``re.compile(nan)`` on the empty ISO2 of the Channel Islands
(``TypeError: first argument must be string or compiled pattern``). migecon
therefore reads country_converter's data file itself (all columns as text,
empty cells kept as ``""``) and applies its regular expressions with its own
code, which works on pandas 2 and 3; if that data file cannot be read, a
built-in World Bank table is used instead (see :func:`table_source`).
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
import warnings
from collections.abc import Iterable
from typing import Literal

import numpy as np
import pandas as pd

from migecon.errors import DataError, DroppedDataWarning, UnknownCountryError

__all__ = [
    "UN_AGGREGATE_NAMES",
    "WB_AGGREGATES",
    "WB_ECONOMIES",
    "WB_SPECIALS",
    "closest_matches",
    "country_name",
    "is_aggregate",
    "is_un_aggregate",
    "table_source",
    "to_iso3",
]

OnUnknown = Literal["error", "drop", "keep"]
_ON_UNKNOWN = ("error", "drop", "keep")

# The 217 economies of the World Bank's country list (WDI country metadata,
# FY25 release), code = short name. Facts, typed here so that harmonisation
# works without country_converter and so that World Bank spellings always win.
_ECONOMIES = """
ABW=Aruba;AFG=Afghanistan;AGO=Angola;ALB=Albania;AND=Andorra;ARE=United Arab Emirates;
ARG=Argentina;ARM=Armenia;ASM=American Samoa;ATG=Antigua and Barbuda;AUS=Australia;
AUT=Austria;AZE=Azerbaijan;BDI=Burundi;BEL=Belgium;BEN=Benin;BFA=Burkina Faso;
BGD=Bangladesh;BGR=Bulgaria;BHR=Bahrain;BHS=Bahamas, The;BIH=Bosnia and Herzegovina;
BLR=Belarus;BLZ=Belize;BMU=Bermuda;BOL=Bolivia;BRA=Brazil;BRB=Barbados;
BRN=Brunei Darussalam;BTN=Bhutan;BWA=Botswana;CAF=Central African Republic;CAN=Canada;
CHE=Switzerland;CHI=Channel Islands;CHL=Chile;CHN=China;CIV=Côte d'Ivoire;CMR=Cameroon;
COD=Congo, Dem. Rep.;COG=Congo, Rep.;COL=Colombia;COM=Comoros;CPV=Cabo Verde;
CRI=Costa Rica;CUB=Cuba;CUW=Curaçao;CYM=Cayman Islands;CYP=Cyprus;CZE=Czechia;
DEU=Germany;DJI=Djibouti;DMA=Dominica;DNK=Denmark;DOM=Dominican Republic;DZA=Algeria;
ECU=Ecuador;EGY=Egypt, Arab Rep.;ERI=Eritrea;ESP=Spain;EST=Estonia;ETH=Ethiopia;
FIN=Finland;FJI=Fiji;FRA=France;FRO=Faroe Islands;FSM=Micronesia, Fed. Sts.;GAB=Gabon;
GBR=United Kingdom;GEO=Georgia;GHA=Ghana;GIB=Gibraltar;GIN=Guinea;GMB=Gambia, The;
GNB=Guinea-Bissau;GNQ=Equatorial Guinea;GRC=Greece;GRD=Grenada;GRL=Greenland;
GTM=Guatemala;GUM=Guam;GUY=Guyana;HKG=Hong Kong SAR, China;HND=Honduras;HRV=Croatia;
HTI=Haiti;HUN=Hungary;IDN=Indonesia;IMN=Isle of Man;IND=India;IRL=Ireland;
IRN=Iran, Islamic Rep.;IRQ=Iraq;ISL=Iceland;ISR=Israel;ITA=Italy;JAM=Jamaica;JOR=Jordan;
JPN=Japan;KAZ=Kazakhstan;KEN=Kenya;KGZ=Kyrgyz Republic;KHM=Cambodia;KIR=Kiribati;
KNA=St. Kitts and Nevis;KOR=Korea, Rep.;KWT=Kuwait;LAO=Lao PDR;LBN=Lebanon;LBR=Liberia;
LBY=Libya;LCA=St. Lucia;LIE=Liechtenstein;LKA=Sri Lanka;LSO=Lesotho;LTU=Lithuania;
LUX=Luxembourg;LVA=Latvia;MAC=Macao SAR, China;MAF=St. Martin (French part);MAR=Morocco;
MCO=Monaco;MDA=Moldova;MDG=Madagascar;MDV=Maldives;MEX=Mexico;MHL=Marshall Islands;
MKD=North Macedonia;MLI=Mali;MLT=Malta;MMR=Myanmar;MNE=Montenegro;MNG=Mongolia;
MNP=Northern Mariana Islands;MOZ=Mozambique;MRT=Mauritania;MUS=Mauritius;MWI=Malawi;
MYS=Malaysia;NAM=Namibia;NCL=New Caledonia;NER=Niger;NGA=Nigeria;NIC=Nicaragua;
NLD=Netherlands;NOR=Norway;NPL=Nepal;NRU=Nauru;NZL=New Zealand;OMN=Oman;PAK=Pakistan;
PAN=Panama;PER=Peru;PHL=Philippines;PLW=Palau;PNG=Papua New Guinea;POL=Poland;
PRI=Puerto Rico;PRK=Korea, Dem. People's Rep.;PRT=Portugal;PRY=Paraguay;
PSE=West Bank and Gaza;PYF=French Polynesia;QAT=Qatar;ROU=Romania;RUS=Russian Federation;
RWA=Rwanda;SAU=Saudi Arabia;SDN=Sudan;SEN=Senegal;SGP=Singapore;SLB=Solomon Islands;
SLE=Sierra Leone;SLV=El Salvador;SMR=San Marino;SOM=Somalia;SRB=Serbia;SSD=South Sudan;
STP=São Tomé and Principe;SUR=Suriname;SVK=Slovak Republic;SVN=Slovenia;SWE=Sweden;
SWZ=Eswatini;SXM=Sint Maarten (Dutch part);SYC=Seychelles;SYR=Syrian Arab Republic;
TCA=Turks and Caicos Islands;TCD=Chad;TGO=Togo;THA=Thailand;TJK=Tajikistan;
TKM=Turkmenistan;TLS=Timor-Leste;TON=Tonga;TTO=Trinidad and Tobago;TUN=Tunisia;
TUR=Türkiye;TUV=Tuvalu;TZA=Tanzania;UGA=Uganda;UKR=Ukraine;URY=Uruguay;USA=United States;
UZB=Uzbekistan;VCT=St. Vincent and the Grenadines;VEN=Venezuela, RB;
VGB=British Virgin Islands;VIR=Virgin Islands (U.S.);VNM=Viet Nam;VUT=Vanuatu;WSM=Samoa;
XKX=Kosovo;YEM=Yemen, Rep.;ZAF=South Africa;ZMB=Zambia;ZWE=Zimbabwe
"""

# World Bank aggregates as they appear among the "countries" of WDI files and
# the API: code = name (| alternative names used in other vintages), and the
# two-letter code the API uses for it.
_AGGREGATES = """
AFE=Africa Eastern and Southern=ZH;AFW=Africa Western and Central=ZI;ARB=Arab World=1A;
CEB=Central Europe and the Baltics=B8;CSS=Caribbean small states=S3;
EAP=East Asia & Pacific (excluding high income)=4E;EAR=Early-demographic dividend=V2;
EAS=East Asia & Pacific=Z4;ECA=Europe & Central Asia (excluding high income)=7E;
ECS=Europe & Central Asia=Z7;EMU=Euro area=XC;EUU=European Union=EU;
FCS=Fragile and conflict affected situations=F1;HIC=High income=XD;
HPC=Heavily indebted poor countries (HIPC)=XE;IBD=IBRD only=XF;IBT=IDA & IBRD total=ZT;
IDA=IDA total=XG;IDB=IDA blend=XH;IDX=IDA only=XI;
INX=Not classified=XY;
LAC=Latin America & Caribbean (excluding high income)=XJ;
LCN=Latin America & Caribbean=ZJ;LDC=Least developed countries: UN classification=XL;
LIC=Low income=XM;LMC=Lower middle income=XN;LMY=Low & middle income=XO;
LTE=Late-demographic dividend=V3;
MEA=Middle East & North Africa|Middle East, North Africa, Afghanistan & Pakistan=ZQ;
MIC=Middle income=XP;
MNA=Middle East & North Africa (excluding high income)|
Middle East, North Africa, Afghanistan & Pakistan (excluding high income)=XQ;
NAC=North America=XU;OED=OECD members=OE;OSS=Other small states=S4;
PRE=Pre-demographic dividend=V1;PSS=Pacific island small states=S2;
PST=Post-demographic dividend=V4;SAS=South Asia=8S;
SSA=Sub-Saharan Africa (excluding high income)=ZF;SSF=Sub-Saharan Africa=ZG;
SST=Small states=S1;
TEA=East Asia & Pacific (IDA & IBRD)|East Asia & Pacific (IDA & IBRD countries)=T4;
TEC=Europe & Central Asia (IDA & IBRD)|Europe & Central Asia (IDA & IBRD countries)=T7;
TLA=Latin America & Caribbean (IDA & IBRD)|Latin America & the Caribbean (IDA & IBRD countries)=T2;
TMN=Middle East & North Africa (IDA & IBRD)|Middle East & North Africa (IDA & IBRD countries)|
Middle East, North Africa, Afghanistan & Pakistan (IDA & IBRD)=T3;
TSA=South Asia (IDA & IBRD)|South Asia (IDA & IBRD countries)=T5;
TSS=Sub-Saharan Africa (IDA & IBRD)|Sub-Saharan Africa (IDA & IBRD countries)=T6;
UMC=Upper middle income=XT;WLD=World=1W
"""


def _parse_economies(text: str) -> dict[str, str]:
    pairs = (item.split("=", 1) for item in text.replace("\n", "").split(";") if item)
    return {code.strip(): name.strip() for code, name in pairs}


def _parse_aggregates(text: str) -> tuple[dict[str, list[str]], dict[str, str]]:
    names: dict[str, list[str]] = {}
    iso2: dict[str, str] = {}
    # A line ending in "|" continues on the next line (long alternative names).
    for item in text.replace("|\n", "|").replace("\n", "").split(";"):
        if not item.strip():
            continue
        code, rest = item.split("=", 1)
        label, two = rest.rsplit("=", 1)
        names[code.strip()] = [n.strip() for n in label.split("|")]
        iso2[two.strip()] = code.strip()
    return names, iso2


#: World Bank economies: code -> World Bank short name (217 economies).
WB_ECONOMIES: dict[str, str] = _parse_economies(_ECONOMIES)
_AGGREGATE_NAMES, _AGGREGATE_ISO2 = _parse_aggregates(_AGGREGATES)
#: World Bank aggregate codes (regions, income groups, lending groups, WLD, INX, ...).
WB_AGGREGATES: frozenset[str] = frozenset(_AGGREGATE_NAMES)
#: World Bank codes that are not ISO 3166 alpha-3 codes but are kept as they are.
WB_SPECIALS: dict[str, str] = {"XKX": "Kosovo", "CHI": "Channel Islands"}

# Two-letter codes of the World Bank API for economies outside ISO 3166.
_WB_ISO2 = {"XK": "XKX", "JG": "CHI", **_AGGREGATE_ISO2}
# Codes the World Bank used in older files and APIs.
_LEGACY_CODES = {"ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "ADO": "AND", "KSV": "XKX",
                 "IMY": "IMN", "WBG": "PSE", "GZA": "PSE"}

# Spellings used by UN DESA, KNOMAD and common usage that neither the World
# Bank table nor country_converter's regular expressions catch reliably.
_ALIASES = {
    "DR Congo": "COD", "Democratic Republic of the Congo": "COD", "Congo": "COG",
    "Russia": "RUS", "Turkey": "TUR", "Turkiye": "TUR", "Vietnam": "VNM", "Laos": "LAO",
    "Syria": "SYR", "Iran": "IRN", "Egypt": "EGY", "Yemen": "YEM", "Gambia": "GMB",
    "Bahamas": "BHS", "Brunei": "BRN", "Cape Verde": "CPV", "Swaziland": "SWZ",
    "Macedonia": "MKD", "Macedonia, FYR": "MKD", "Czech Republic": "CZE",
    "Slovakia": "SVK", "Kyrgyzstan": "KGZ", "South Korea": "KOR", "Republic of Korea": "KOR",
    "North Korea": "PRK", "Korea, Dem. Rep.": "PRK",
    "Dem. People's Republic of Korea": "PRK", "Palestine": "PSE", "State of Palestine": "PSE",
    "FS Micronesia": "FSM", "Micronesia (Fed. States of)": "FSM",
    "Hong Kong SAR": "HKG", "China, Hong Kong SAR": "HKG", "Macao SAR": "MAC",
    "China, Macao SAR": "MAC", "Sint Maarten": "SXM", "U.S. Virgin Islands": "VIR",
    "United States Virgin Islands": "VIR", "Ivory Coast": "CIV", "Faeroe Islands": "FRO",
    "Somalia, Fed. Rep.": "SOM", "Puerto Rico (US)": "PRI", "UK": "GBR",
    "Great Britain": "GBR", "USA": "USA", "United States of America": "USA",
    "Kosovo": "XKX", "Channel Islands": "CHI", "Caribbean Netherlands": "BES",
    "Bonaire, Sint Eustatius and Saba": "BES", "Vatican City": "VAT", "Holy See": "VAT",
    "St. Helena": "SHN", "Saint Helena": "SHN", "St. Pierre & Miquelon": "SPM",
    "Wallis & Futuna": "WLF", "Wallis and Futuna Islands": "WLF",
    "China, Taiwan Province of China": "TWN", "Taiwan, China": "TWN",
    "Reunion": "REU", "Falkland Islands": "FLK",
}

# UN DESA (M49 / SDG) regions and development and income groups that appear
# among the "countries" of UN migrant-stock tables. They are not countries:
# to_iso3 maps them to NaN without calling them unknown, and never tries
# country_converter's regular expressions on them ("Southern Africa" would
# otherwise match South Africa).
_UN_AGGREGATES = """
Africa;Asia;Europe;Oceania;Latin America and the Caribbean;Northern America;
Australia/New Zealand;Caribbean;Central America;Central Asia;Central and Southern Asia;
Eastern Africa;Eastern Asia;Eastern Europe;Eastern and South-Eastern Asia;
Europe and Northern America;Melanesia;Micronesia;Polynesia;Middle Africa;Northern Africa;
Northern Africa and Western Asia;Northern Europe;Oceania (excluding Australia and New Zealand);
South America;South-Eastern Asia;Southern Africa;Southern Asia;Southern Europe;
Western Africa;Western Asia;Western Europe;High-and-upper-middle-income countries;
High-income countries;Low-and-Lower-middle-income countries;Low-and-middle-income countries;
Low-income countries;Lower-middle-income countries;Middle-income countries;
Upper-middle-income countries;No income group available;Least developed countries;
Land-locked Developing Countries (LLDC);Small Island Developing States (SIDS);
Less developed regions;Less developed regions, excluding least developed countries;
Less developed regions, excluding China;More developed regions;Developed regions;
Developing regions;Other;Others;Other South;Other North
"""

_FOOTNOTE = re.compile(r"[\s*†‡¹²³]+$")
_UN_AGGREGATE = "<UN aggregate>"
_NON_WORD = re.compile(r"[^a-z0-9]+")


def _normalise(name: str) -> str:
    """Case-, accent-, punctuation- and footnote-insensitive key of a name."""
    text = _FOOTNOTE.sub("", name.strip())
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("&", " and ").replace("’", "'").replace("'", "")
    text = text.replace("saint ", "st ").replace("st. ", "st ")
    return _NON_WORD.sub(" ", text).strip()


#: UN DESA region and group names (normalised keys), see :func:`is_un_aggregate`.
UN_AGGREGATE_NAMES: frozenset[str] = frozenset(
    _normalise(n) for n in _UN_AGGREGATES.replace("\n", "").split(";") if n.strip())


class _Table:
    """Lookup tables built once: codes, names, regular expressions."""

    def __init__(self) -> None:
        self.iso3: set[str] = set(WB_ECONOMIES) | set(WB_AGGREGATES)
        self.iso2: dict[str, str] = dict(_WB_ISO2)
        self.numeric: dict[str, str] = {}
        self.names: dict[str, str] = {}  # normalised name -> code
        self.display: dict[str, str] = {}  # normalised name -> name as written
        self.regexes: list[tuple[re.Pattern[str], str, bool]] = []  # (regex, code, obsolete)
        self.source = "built-in World Bank table (country_converter data unavailable)"
        self._load_country_converter()
        for code, name in WB_ECONOMIES.items():
            self._add_name(name, code, override=True)
        for code, aggregate_names in _AGGREGATE_NAMES.items():
            for name in aggregate_names:
                self._add_name(name, code, override=True)
        for name, code in _ALIASES.items():
            self._add_name(name, code, override=True)

    def _add_name(self, name: str, code: str, *, override: bool = False) -> None:
        key = _normalise(name)
        if key and (override or key not in self.names):
            self.names[key] = code
            self.display[key] = name

    def _load_country_converter(self) -> None:
        try:
            from importlib.resources import files

            import country_converter

            resource = files(country_converter).joinpath("country_data.tsv")
            with resource.open("r", encoding="utf-8") as handle:
                data = pd.read_csv(handle, sep="\t", dtype=str, keep_default_na=False)
            version = getattr(country_converter, "__version__", "")
        except (ImportError, OSError, ValueError):
            return
        needed = {"name_short", "name_official", "regex", "ISO2", "ISO3", "obsolete"}
        if not needed <= set(data.columns):
            return
        for row in data.itertuples(index=False):
            code = str(row.ISO3).strip()
            if not code:
                continue
            self.iso3.add(code)
            if row.ISO2:
                self.iso2.setdefault(str(row.ISO2).strip(), code)
            numeric = str(getattr(row, "ISOnumeric", "")).strip()
            if numeric.isdigit():
                self.numeric.setdefault(str(int(numeric)), code)
            self._add_name(str(row.name_short), code)
            self._add_name(str(row.name_official), code)
            if row.regex:
                self.regexes.append((re.compile(str(row.regex), re.IGNORECASE), code,
                                     bool(str(row.obsolete).strip())))
        self.source = f"country_converter {version} data table, matched by migecon".replace(
            "  ", " ")

    def resolve(self, raw: str) -> str | None:
        text = _FOOTNOTE.sub("", raw.strip())
        upper = text.upper()
        if text.isalpha() and len(text) == 3:
            if upper in self.iso3:
                return upper
            if upper in _LEGACY_CODES:
                return _LEGACY_CODES[upper]
        if len(text) == 2 and text.isalnum() and upper in self.iso2:
            return self.iso2[upper]
        if text.isdigit() and str(int(text)) in self.numeric:
            return self.numeric[str(int(text))]
        key = _normalise(text)
        if key in self.names:
            return self.names[key]
        if key in UN_AGGREGATE_NAMES:
            return _UN_AGGREGATE
        hits = [(code, obsolete) for regex, code, obsolete in self.regexes if regex.search(text)]
        current = {code for code, obsolete in hits if not obsolete}
        if len(current) == 1:
            return current.pop()
        if not current and len({code for code, _ in hits}) == 1:
            return hits[0][0]
        return None


@functools.lru_cache(maxsize=1)
def _table() -> _Table:
    return _Table()


@functools.lru_cache(maxsize=8192)
def _resolve(raw: str) -> str | None:
    return _table().resolve(raw)


def table_source() -> str:
    """Which country table the matching uses (country_converter's data or the built-in one).

    Examples
    --------
    >>> "table" in table_source()
    True
    """
    return _table().source


def closest_matches(name: str, n: int = 3) -> list[str]:
    """Known country names closest to ``name`` (for error messages), as ``"name (CODE)"``.

    Examples
    --------
    >>> closest_matches("Nepall")[0]
    'Nepal (NPL)'
    """
    table = _table()
    keys = difflib.get_close_matches(_normalise(name), list(table.names), n=n, cutoff=0.6)
    return [f"{table.display[k]} ({table.names[k]})" for k in keys]


def to_iso3(names: Iterable[object] | str, *, on_unknown: OnUnknown = "error") -> pd.Series:
    """Map country names or codes to ISO3 (World Bank) codes.

    Parameters
    ----------
    names : iterable of str, or str
        Country names (World Bank, UN DESA, common English), ISO3, ISO2,
        World Bank or ISO numeric codes; any mix. Missing values stay missing.
    on_unknown : {"error", "drop", "keep"}
        ``"error"`` (default) raises :class:`~migecon.errors.UnknownCountryError`
        listing every unmatched name with the closest known names;
        ``"drop"`` maps them to NaN and warns with their count;
        ``"keep"`` returns them unchanged (for entities that are not countries).

    Returns
    -------
    pandas.Series
        Indexed by the input names, holding the three-letter code (World Bank
        aggregates get their aggregate code, e.g. ``"World"`` -> ``"WLD"``; see
        :func:`is_aggregate`) or NaN. UN DESA region and group names
        (``"Eastern Africa"``, ``"Least developed countries"``; see
        :func:`is_un_aggregate`) are not countries and map to NaN without
        being counted as unknown: filter them with :func:`is_un_aggregate`
        first to count them.

    Raises
    ------
    UnknownCountryError
        Unmatched names when ``on_unknown="error"``.

    Examples
    --------
    >>> to_iso3(["Nepal", "Egypt, Arab Rep.", "DR Congo", "XK", "slv", "World"]).tolist()
    ['NPL', 'EGY', 'COD', 'XKX', 'SLV', 'WLD']
    >>> import warnings
    >>> with warnings.catch_warnings(record=True):
    ...     warnings.simplefilter("ignore")
    ...     to_iso3(["Nepal", "Atlantis"], on_unknown="drop").tolist()
    ['NPL', nan]
    """
    if on_unknown not in _ON_UNKNOWN:
        raise DataError(f"on_unknown must be one of {_ON_UNKNOWN}; got {on_unknown!r}")
    values = [names] if isinstance(names, str) else list(names)
    out: list[object] = []
    unknown: dict[str, None] = {}
    for value in values:
        if value is None or (not isinstance(value, str) and _is_missing(value)):
            out.append(float("nan"))
            continue
        text = str(int(value)) if isinstance(value, (int, np.integer)) else str(value)
        code = _resolve(text)
        if code == _UN_AGGREGATE:
            out.append(float("nan"))
        elif code is None:
            unknown.setdefault(text, None)
            out.append(text if on_unknown == "keep" else float("nan"))
        else:
            out.append(code)
    if unknown and on_unknown == "error":
        raise UnknownCountryError(_unknown_message(list(unknown)))
    if unknown and on_unknown == "drop":
        warnings.warn(
            f"{len(unknown)} country name(s) not recognised and set missing: "
            f"{_preview(list(unknown))}",
            DroppedDataWarning, stacklevel=2)
    return pd.Series(out, index=pd.Index(values, dtype=object), dtype=object, name="iso3")


def _is_missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


def is_aggregate(code: object) -> bool:
    """True for a World Bank aggregate code (``WLD``, ``LMY``, ``SSF``, ``1W``, ...).

    Examples
    --------
    >>> is_aggregate("LMY"), is_aggregate("NPL"), is_aggregate("XKX")
    (True, False, False)
    """
    if not isinstance(code, str):
        return False
    text = code.strip().upper()
    return text in WB_AGGREGATES or text in _AGGREGATE_ISO2


def is_un_aggregate(name: object) -> bool:
    """True for a UN DESA region or group name (``"Eastern Africa"``, ``"WORLD"`` is WLD).

    :func:`to_iso3` maps these names to NaN without counting them as unknown.

    Examples
    --------
    >>> is_un_aggregate("Southern Africa*"), is_un_aggregate("South Africa")
    (True, False)
    """
    return isinstance(name, str) and _normalise(name) in UN_AGGREGATE_NAMES


def country_name(code: str) -> str:
    """The World Bank short name of an economy or aggregate code (the code if unknown).

    Examples
    --------
    >>> country_name("NPL"), country_name("LMY")
    ('Nepal', 'Low & middle income')
    """
    text = code.strip().upper()
    if text in WB_ECONOMIES:
        return WB_ECONOMIES[text]
    if text in _AGGREGATE_NAMES:
        return _AGGREGATE_NAMES[text][0]
    return code


def _preview(items: list[str], limit: int = 10) -> str:
    shown = ", ".join(repr(i) for i in items[:limit])
    return shown + (f", ... ({len(items) - limit} more)" if len(items) > limit else "")


def _unknown_message(unknown: list[str], limit: int = 10) -> str:
    parts = []
    for name in unknown[:limit]:
        close = closest_matches(name)
        hint = f" (closest: {', '.join(close)})" if close else " (no close match)"
        parts.append(f"{name!r}{hint}")
    more = f"; ... and {len(unknown) - limit} more" if len(unknown) > limit else ""
    return (
        f"{len(unknown)} country name(s) not recognised: {'; '.join(parts)}{more}. "
        'Fix the spelling, use ISO3 codes, or pass on_unknown="drop" to drop them '
        "(they will be counted)"
    )
