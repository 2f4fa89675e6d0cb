"""The catalogue of publishers (digest/data/catalogue.yaml): every entry's shape, the coverage it
claims, and `catalogue:` in the config expanded into sources."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import get_args
from urllib.parse import urlsplit

import pytest

from digest.areas import area_names
from digest.catalogue import _publisher, catalogue_sources, load_catalogue
from digest.config import load_config
from digest.config.coverage import CatalogueChoice
from digest.errors import ConfigError
from digest.models import OrgKind

REPO = Path(__file__).resolve().parent.parent
# domain.md §3.2: the force areas of the Home Office's 20 violence reduction units.
VRU_AREAS = {"Avon and Somerset", "Bedfordshire", "Cleveland", "Essex", "Greater Manchester", "Hampshire", "Humberside",
             "Kent", "Lancashire", "Leicestershire", "London", "Merseyside", "Northumbria", "Nottinghamshire",
             "South Wales", "South Yorkshire", "Sussex", "Thames Valley", "West Midlands", "West Yorkshire"}


def write_config(folder: Path, body: str) -> Path:
    path = folder / "config.yaml"
    path.write_text(f"database: digest.db\noutput_dir: out\n{body}", encoding="utf-8")
    return path


def well_formed_https(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" and "." in parts.hostname and " " not in url and parts.hostname == parts.netloc


def test_every_entry_has_a_valid_shape():
    publishers = load_catalogue()
    names = [p.name for p in publishers]
    assert len(names) == len(set(names))
    urls = [p.url for p in publishers if p.url]
    assert len(urls) == len(set(urls))
    for p in publishers:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", p.name), p.name
        assert p.area is None or p.area in area_names(), p.name
        assert p.org_kind in get_args(OrgKind), p.name
        assert well_formed_https(p.home), p.name
        assert (p.url and well_formed_https(p.url)) or p.via in names, p.name
        assert p.provenance.source.strip(), p.name


def test_each_force_area_has_exactly_one_police_force():
    forces = Counter(p.area for p in load_catalogue() if p.org_kind == "police" and p.area)
    assert set(forces) == area_names()
    assert set(forces.values()) == {1}


def test_counts_by_kind():
    kinds = Counter(p.org_kind for p in load_catalogue())
    # 46 forces and two national police bodies (NPCC, NCA); the commissioners or mayors of 42 of
    # the 43 areas (the City of London has a police authority board); 20 units and Scotland's;
    # the Home Office.
    assert kinds == {"police": 48, "pcc": 42, "vru": 21, "other": 1}
    assert {p.area for p in load_catalogue() if p.org_kind == "vru"} == VRU_AREAS | {"Scotland"}
    assert sorted(p.name for p in load_catalogue() if p.area is None) == ["home-office-serious-violence", "nca", "npcc"]


def test_platform_entries_follow_the_platform_listing_shape():
    for p in load_catalogue():
        if p.provenance.platform == "soh" and p.org_kind == "police" and p.name != "kent-police":
            assert re.fullmatch(r"https://www\.[a-z.-]+/news/[a-z-]+/news/", p.listing or ""), p.name
    kent = next(p for p in load_catalogue() if p.name == "kent-police")
    assert kent.listing == "https://www.kent.police.uk/news/kent/latest/"
    met = next(p for p in load_catalogue() if p.name == "metropolitan-police")
    assert (met.feed, met.provenance.platform) == ("https://news.met.police.uk/rss/current_news/66871", "newsroom")


def test_unverified_urls_say_so():
    confidence = Counter(p.provenance.confidence for p in load_catalogue())
    assert set(confidence) == {"seen", "shape", "guess"}
    psni = next(p for p in load_catalogue() if p.name == "psni")
    assert psni.provenance.confidence == "guess"


def test_the_shipped_sources_match_their_catalogue_entries():
    """The shipped config's web sources are catalogue entries with the same URL, so adding the
    catalogue to it adds no second copy of them."""
    shipped = [s for s in load_config(REPO / "config.yaml").sources if s.kind != "folder"]
    by_name = {p.name: p for p in load_catalogue()}
    assert all(by_name[s.name].url == s.url for s in shipped)


@pytest.mark.parametrize(("entry", "complaint"), [
    ({"name": "x", "org": "X", "area": "Kent", "org_kind": "police", "home": "https://x.org/",
      "listing": "http://x.org/news/", "provenance": {"platform": "soh", "confidence": "seen", "source": "s"}},
     "publishers[3] (x): listing: not an https URL: 'http://x.org/news/'"),
    ({"name": "x", "org": "X", "area": "Atlantis", "org_kind": "police", "home": "https://x.org/",
      "feed": "https://x.org/feed/", "provenance": {"platform": "soh", "confidence": "seen", "source": "s"}},
     "publishers[3] (x): area: unknown area 'Atlantis'"),
    ({"name": "x", "org": "X", "area": None, "org_kind": "police", "home": "https://x.org/",
      "feed": "https://x.org/feed/", "listing": "https://x.org/news/",
      "provenance": {"platform": "soh", "confidence": "seen", "source": "s"}},
     "publishers[3] (x): give exactly one of listing, feed or via"),
    ({"name": "x", "org": "X", "area": None, "org_kind": "police", "home": "https://x.org/",
      "listing": "https://x.org/news/", "link_pattern": "(", "provenance": {"platform": "soh", "confidence": "seen",
                                                                          "source": "s"}},
     "publishers[3] (x): link_pattern: not a valid regular expression"),
    ({"name": "x", "org": "X", "area": None, "org_kind": "police", "home": "https://x.org/",
      "listing": "https://x.org/news/", "provenance": {"platform": "myspace", "confidence": "seen", "source": "s"}},
     "publishers[3] (x): provenance.platform:"),
])
def test_a_bad_entry_is_one_line_naming_it(entry, complaint):
    with pytest.raises(ConfigError) as raised:
        _publisher(3, entry)
    assert complaint in str(raised.value)
    assert "\n" not in str(raised.value)


def test_expansion_by_area():
    names = {s.name for s in catalogue_sources(CatalogueChoice(areas=["Kent"]))}
    assert names == {"kent-police", "kent-pcc", "kent-vru"}
    national = {s.name for s in catalogue_sources(CatalogueChoice(areas=["national"]))}
    assert national == {"home-office-serious-violence", "npcc", "nca"}


def test_expansion_by_kind_and_all():
    everything = catalogue_sources(CatalogueChoice())
    assert len(everything) == len([p for p in load_catalogue() if p.url])
    assert len({s.url for s in everything}) == len(everything)
    assert all(s.area and s.org and s.org_kind for s in everything if s.name not in {"home-office-serious-violence",
                                                                                     "npcc", "nca"})
    police = catalogue_sources(CatalogueChoice(org_kinds=["police"]))
    assert {s.org_kind for s in police} == {"police"} and len(police) == 48
    kent_met = catalogue_sources(CatalogueChoice(areas=["Kent", "London"], org_kinds=["police"]))
    assert [(s.name, s.kind) for s in kent_met] == [("kent-police", "webpage"), ("metropolitan-police", "feed")]


def test_a_unit_without_news_of_its_own_brings_its_host():
    """Hampshire's unit publishes in its commissioner's news: choosing units there reads that."""
    sources = catalogue_sources(CatalogueChoice(areas=["Hampshire", "Kent"], org_kinds=["vru"]))
    assert [(s.name, s.org_kind) for s in sources] == [("hampshire-pcc", "pcc"), ("kent-vru", "vru")]
    both = catalogue_sources(CatalogueChoice(areas=["Hampshire"], org_kinds=["pcc", "vru"]))
    assert [s.name for s in both] == ["hampshire-pcc"]


def test_sources_carry_the_selectors_a_site_needs():
    scotland = next(s for s in catalogue_sources(CatalogueChoice(areas=["Scotland"], org_kinds=["police"])))
    assert scotland.kind == "webpage"
    assert re.search(scotland.link_pattern,
                     "https://www.scotland.police.uk/what-s-happening/news/2026/april/man-charged-after-stabbing/")
    beds = next(s for s in catalogue_sources(CatalogueChoice(areas=["Bedfordshire"], org_kinds=["pcc"])))
    assert (beds.kind, beds.full_text) == ("feed", True)


def test_the_config_expands_the_catalogue(tmp_path):
    config = load_config(write_config(tmp_path, "catalogue: {areas: [Kent, Essex], org_kinds: [police, pcc]}\n"))
    assert [(s.name, s._origin) for s in config.sources] == [
        ("essex-police", "catalogue (shape)"), ("kent-police", "catalogue (seen)"), ("essex-pfcc", "catalogue (shape)"),
        ("kent-pcc", "catalogue (shape)")]


def test_a_configured_source_with_the_same_url_wins(tmp_path):
    config = load_config(write_config(tmp_path, """
sources:
  - {name: my-kent, kind: webpage, url: "https://www.kent.police.uk/news/kent/latest", max_pages: 3, area: Kent}
  - {name: kent-pcc, kind: feed, url: "https://www.kent-pcc.gov.uk/feed/"}
catalogue: {areas: [Kent]}
"""))
    by_name = {s.name: s for s in config.sources}
    assert set(by_name) == {"my-kent", "kent-pcc", "kent-vru"}
    assert by_name["my-kent"].max_pages == 3  # the same listing (trailing slash aside) is the configured one
    assert (by_name["kent-pcc"].kind, by_name["kent-pcc"]._origin) == ("feed", "config")  # its name: replaced


def test_exclude_leaves_publishers_out(tmp_path):
    config = load_config(write_config(tmp_path, "catalogue: {areas: [Kent], exclude: [kent-vru]}\n"))
    assert [s.name for s in config.sources] == ["kent-police", "kent-pcc"]
    with pytest.raises(ConfigError, match=r"catalogue.exclude: no publisher named 'kent-vrrr'"):
        load_config(write_config(tmp_path, "catalogue: {areas: [Kent], exclude: [kent-vrrr]}\n"))


@pytest.mark.parametrize(("body", "complaint"), [
    ("catalogue: {areas: [Atlantis]}", "catalogue.areas: unknown area 'Atlantis'"),
    ("catalogue: {areas: []}", "catalogue.areas: name at least one area, or use all"),
    ("catalogue: {org_kinds: [gang]}", "catalogue.org_kinds[0]:"),
    ("catalogue: {areas: all, regions: [north]}", "catalogue.regions: unknown key"),
])
def test_a_bad_choice_names_the_key(tmp_path, body, complaint):
    with pytest.raises(ConfigError) as raised:
        load_config(write_config(tmp_path, body + "\n"))
    assert complaint in str(raised.value)


def test_the_shipped_config_has_no_catalogue_and_loads_offline():
    config = load_config(REPO / "config.yaml")
    assert config.catalogue is None and config.opml == []
    assert {s._origin for s in config.sources} == {"config"}


def test_the_national_example_loads():
    config = load_config(REPO / "examples" / "national.yaml")
    sources = {s.name: s for s in config.sources}
    assert len(sources) == len([p for p in load_catalogue() if p.url])
    assert (sources["kent-police"].max_pages, sources["kent-police"]._origin) == (2, "config")
    assert config.catalogue is not None and config.catalogue.areas == "all"


def test_the_readme_states_the_catalogue_as_it_is():
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    publishers = load_catalogue()
    kinds = Counter(p.org_kind for p in publishers)
    confidence = Counter(p.provenance.confidence for p in publishers)
    listings, feeds = sum(1 for p in publishers if p.listing), sum(1 for p in publishers if p.feed)
    for claim in (f"lists {len(publishers)} publishers: {kinds['police']} police", f"{kinds['pcc']} commissioners",
                  f"{kinds['vru']} violence reduction units", f"make {listings + feeds} sources, {listings} news listings "
                  f"and {feeds} feeds", f"{confidence['seen']} were seen as they are, {confidence['shape']} are built",
                  f"{confidence['guess']} are guesses", "not checked live"):
        assert claim in readme, claim
