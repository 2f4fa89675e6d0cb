"""OPML: feeds of a file as sources (nested outlines, titles, categories), `digest sources` in its
three formats, the round trip import → export → import, and broken or hostile files."""

from __future__ import annotations

import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from click.testing import CliRunner

from digest.cli import cli
from digest.config import Config, load_config
from digest.config.checks import as_data
from digest.errors import ConfigError

NESTED = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>A coordinator's feeds</title></head>
  <body>
    <outline text="Kent">
      <outline text="Kent news" title="Kent Online crime" type="rss" xmlUrl="https://www.kentonline.example/crime.rss"/>
      <outline text="Partners">
        <outline text="Medway Council" xmlUrl="https://medway.example/news.atom" category="council"/>
        <outline text="Medway Council" xmlUrl="https://medway.example/press.atom" category="/org_kind/council"/>
      </outline>
    </outline>
    <outline text="Elsewhere">
      <outline text="Safer Essex" xmlUrl="https://safer-essex.example/feed/" category="/area/Essex,/org_kind/other"/>
      <outline text="A blog with no title attribute" xmlUrl="https://blog.example/feed"/>
      <outline text="A link, not a feed" type="link" url="https://example.org/page"/>
    </outline>
  </body>
</opml>
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def config_with(folder: Path, body: str) -> Path:
    return write(folder, "config.yaml", f"database: digest.db\noutput_dir: out\n{body}")


def described(config: Config) -> list[dict[str, Any]]:
    """The sources with every setting, by name (an export groups them by area)."""
    return sorted((as_data(source) for source in config.sources), key=lambda fields: fields["name"])


def run(config: Path, *args: str) -> Any:
    return CliRunner().invoke(cli, ["--config", str(config), *args], catch_exceptions=False)


def test_nested_outlines_titles_and_categories(tmp_path):
    write(tmp_path, "feeds.opml", NESTED)
    config = load_config(config_with(tmp_path, "opml: [feeds.opml]\n"))
    got = [(s.name, s.kind, s.url, s.org, s.area, s.org_kind, s._origin) for s in config.sources]
    assert got == [
        ("kent-online-crime", "feed", "https://www.kentonline.example/crime.rss", "Kent Online crime", "Kent", None,
         "feeds.opml:6"),
        ("medway-council", "feed", "https://medway.example/news.atom", "Medway Council", "Kent", "council",
         "feeds.opml:8"),
        ("medway-council-2", "feed", "https://medway.example/press.atom", "Medway Council", "Kent", "council",
         "feeds.opml:9"),
        ("safer-essex", "feed", "https://safer-essex.example/feed/", "Safer Essex", "Essex", "other", "feeds.opml:13"),
        ("a-blog-with-no-title-attribute", "feed", "https://blog.example/feed", "A blog with no title attribute", None,
         None, "feeds.opml:14"),
    ]


def test_an_opml_1_0_file_without_a_head(tmp_path):
    write(tmp_path, "old.opml", '<opml version="1.0"><body><outline title="Old" xmlUrl="https://old.example/rss"/>'
                                "</body></opml>")
    config = load_config(config_with(tmp_path, "opml: [old.opml]\n"))
    assert [(s.name, s.url) for s in config.sources] == [("old", "https://old.example/rss")]


def test_a_configured_source_wins_and_a_taken_name_gets_a_number(tmp_path):
    write(tmp_path, "feeds.opml", NESTED)
    config = load_config(config_with(tmp_path, """
sources:
  - {name: safer-essex, kind: feed, url: "https://safer-essex.example/other-feed/"}
  - {name: mine, kind: feed, url: "https://WWW.kentonline.example/crime.rss#top"}
opml: [feeds.opml]
"""))
    names = [s.name for s in config.sources]
    assert names[:2] == ["safer-essex", "mine"]
    assert "kent-online-crime" not in names  # the same URL as `mine`
    assert "safer-essex-2" in names


def test_round_trip_import_export_import(tmp_path):
    write(tmp_path, "feeds.opml", NESTED)
    first = load_config(config_with(tmp_path, "opml: [feeds.opml]\n"))
    exported = run(tmp_path / "config.yaml", "sources", "--format", "opml")
    assert exported.exit_code == 0, exported.output
    again = tmp_path / "again"
    again.mkdir()
    write(again, "exported.opml", exported.stdout)
    second = load_config(config_with(again, "opml: [exported.opml]\n"))
    assert described(second) == described(first)


def test_round_trip_of_catalogue_webpages_and_settings(tmp_path):
    """Webpage sources with selectors, feeds with full_text, a disabled source and a schedule survive."""
    first = load_config(config_with(tmp_path, """
sources:
  - {name: quiet, kind: feed, url: "https://quiet.example/feed", enabled: false, every: 6h, area: Kent}
  - {name: no-area, kind: webpage, url: "https://x.example/news/", link_selector: "h2 a", next_selector: "a.next"}
catalogue: {areas: [Scotland, Bedfordshire, national]}
"""))
    exported = run(tmp_path / "config.yaml", "sources", "--format", "opml")
    again = tmp_path / "again"
    again.mkdir()
    write(again, "all.opml", exported.stdout)
    second = load_config(config_with(again, "opml: [all.opml]\n"))
    assert described(second) == described(first)
    assert {s.kind for s in second.sources} == {"feed", "webpage"}


def test_sources_in_three_formats(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    write(tmp_path, "feeds.opml", NESTED)
    path = config_with(tmp_path, """
sources:
  - {name: seeds, kind: folder, path: seeds}
  - {name: private, kind: feed, url: "https://feeds.example/rss?key=SECRET"}
opml: [feeds.opml]
catalogue: {areas: [Kent], org_kinds: [police]}
""")
    table = run(path, "sources")
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["NAME", "KIND", "AREA", "ORG_KIND", "URL", "OR", "PATH", "FROM"]
    assert lines[-1] == "8 sources"
    assert any(line.split()[0] == "kent-police" and line.endswith("catalogue (seen)") for line in lines)
    assert any(line.split()[0] == "medway-council" and line.endswith("feeds.opml:8") for line in lines)
    assert "SECRET" not in table.stdout and "key=***" in table.stdout

    as_yaml = run(path, "sources", "--format", "yaml")
    pasted = config_with(tmp_path, yaml.safe_dump(yaml.safe_load(as_yaml.stdout)))
    assert described(load_config(pasted)) == described(load_config(path))  # the same sources, written out

    as_opml = run(path, "sources", "--format", "opml")
    assert as_opml.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml')
    assert "left out: seeds" in as_opml.stdout and "key=SECRET" in as_opml.stdout
    assert 'category="/area/Kent,/org_kind/police"' in as_opml.stdout


@pytest.mark.parametrize(("text", "complaint"), [
    ('<?xml version="1.0"?>\n<opml version="2.0"><body>\n<outline text="a" xmlUrl="https://a.example/f">\n'
     "</body></opml>\n", "bad.opml: line 4: not well-formed XML (mismatched tag)"),
    ("", "bad.opml: line 1: not well-formed XML (no element found)"),
    ('<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>\n',
     "bad.opml: line 2: not an OPML file (the root element is <rss>)"),
    ('<opml version="2.0"><body>\n\n<outline text="x" xmlUrl="javascript:alert(1)"/></body></opml>',
     "bad.opml: line 3: url: not a URL: 'javascript:alert(1)'"),
    ('<opml version="2.0"><body>\n<outline text="x" xmlUrl="https://x.example/f" category="/area/Atlantis"/>'
     "</body></opml>", "bad.opml: line 2: area: unknown area 'Atlantis'"),
    ('<opml version="2.0" xmlns:digest="https://github.com/digest-news/digest/opml"><body>\n'
     '<outline text="x" xmlUrl="https://x.example/f" digest:colour="red"/></body></opml>',
     "bad.opml: line 2: colour: unknown key"),
])
def test_a_broken_file_is_one_error_naming_file_and_line(tmp_path, text, complaint):
    write(tmp_path, "bad.opml", text)
    path = config_with(tmp_path, "opml: [bad.opml]\n")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert complaint in str(raised.value)
    result = run(path, "check")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith("Error: ") and complaint in result.output


def test_a_missing_file_names_the_key(tmp_path):
    with pytest.raises(ConfigError, match=r"config.yaml: opml\[0\]: no such file: .*/nowhere.opml"):
        load_config(config_with(tmp_path, "opml: [nowhere.opml]\n"))


def test_a_billion_laughs_is_refused_at_once(tmp_path):
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)]
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE opml [\n' + "\n".join(entities) + "\n]>\n"
            '<opml version="2.0"><body><outline text="&lol9;" xmlUrl="https://x.example/f"/></body></opml>\n')
    write(tmp_path, "bomb.opml", bomb)
    tracemalloc.start()
    started = time.monotonic()
    with pytest.raises(ConfigError) as raised:
        load_config(config_with(tmp_path, "opml: [bomb.opml]\n"))
    elapsed = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "bomb.opml: line 3: refused: the file declares entities" in str(raised.value)
    assert elapsed < 2 and peak < 20_000_000  # expanded, &lol9; would be 3 GB of "lol"


class _Recorder(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'<!ENTITY leak "leaked">')

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize("reference", ["SYSTEM", "PARAMETER"])
def test_external_entities_are_never_fetched_or_read(tmp_path, reference):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/evil.dtd"
    secret = write(tmp_path, "secret.txt", "the password")
    if reference == "SYSTEM":
        doctype = f'<!DOCTYPE opml [<!ENTITY a SYSTEM "{url}"><!ENTITY b SYSTEM "file://{secret}">]>'
    else:
        doctype = f'<!DOCTYPE opml [<!ENTITY % p SYSTEM "{url}"> %p;]>'
    write(tmp_path, "xxe.opml", f'<?xml version="1.0"?>\n{doctype}\n'
                                '<opml version="2.0"><body><outline text="&a;&b;" xmlUrl="https://x.example/f"/>'
                                "</body></opml>\n")
    try:
        with pytest.raises(ConfigError, match=r"xxe.opml: line 2: refused"):
            load_config(config_with(tmp_path, "opml: [xxe.opml]\n"))
    finally:
        server.shutdown()
        server.server_close()
    assert _Recorder.requests == []
