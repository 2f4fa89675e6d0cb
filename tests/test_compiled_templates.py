"""Templates compiled by one process are kept for the next (digest.render), in a folder of the
user's own under the temporary directory; a kept file that is corrupt, or a folder that is not
safely the user's, costs a compile and never a page."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def build(config: Path, tmp: Path) -> str:
    """`digest build` in a fresh process whose temporary directory is `tmp`; the edition page it wrote."""
    done = subprocess.run([sys.executable, "-m", "digest", "--config", str(config), "build", "--week", "current"],
                          cwd=REPO, env={**os.environ, "TMPDIR": str(tmp)}, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    page = Path(re.search(r"HTML:\s+(\S+)", done.stdout).group(1)).read_text(encoding="utf-8")
    return re.sub(r"<p>Generated .*?</p>", "", page)


def test_compiled_templates_are_kept_and_a_broken_one_is_compiled_again(tmp_path, write_config, digest):
    config = write_config()
    assert digest("ingest", config=config).exit_code == 0
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    first = build(config, tmp)
    folder = tmp / f"_jinja2-cache-{os.getuid()}"
    kept = sorted(folder.glob("__digest_*.cache"))
    assert len(kept) >= 4  # the edition's page and text, the index, an area page
    assert folder.stat().st_mode & 0o777 == 0o700
    assert build(config, tmp) == first
    for path in kept:  # cut short (a full disk, a crash): the header and checksum good, the code not
        path.write_bytes(path.read_bytes()[:path.stat().st_size // 2])
    assert build(config, tmp) == first
    assert all(path.stat().st_size > 100 for path in kept)  # compiled and kept again


def test_a_cache_folder_that_is_not_a_folder_is_done_without(tmp_path, write_config, digest):
    config = write_config()
    assert digest("ingest", config=config).exit_code == 0
    with_cache, without = tmp_path / "with", tmp_path / "without"
    with_cache.mkdir()
    without.mkdir()
    (without / f"_jinja2-cache-{os.getuid()}").write_text("someone else's file\n", encoding="utf-8")
    assert build(config, without) == build(config, with_cache)
    assert (without / f"_jinja2-cache-{os.getuid()}").read_text(encoding="utf-8") == "someone else's file\n"


def test_a_compiled_template_that_cannot_be_kept_is_no_error(tmp_path):
    from jinja2.bccache import Bucket

    from digest.render import _CompiledTemplates, environment

    cache = _CompiledTemplates(str(tmp_path / "gone"))  # as when the folder went, or the disk is full
    bucket = Bucket(environment(), "edition.html.j2", "checksum")
    bucket.code = compile("page = 1", "edition.html.j2", "exec")
    cache.dump_bytecode(bucket)
    assert not (tmp_path / "gone").exists()


def kept_bucket(cache, name: str = "edition.html.j2"):
    """A bucket of `cache` for a template, and the file it is kept in."""
    from jinja2.bccache import Bucket

    from digest.render import environment

    bucket = Bucket(environment(), cache.get_cache_key(name, f"/templates/{name}"), "checksum")
    return bucket, Path(cache._get_cache_filename(bucket))


def test_a_cache_folder_made_again_by_someone_else_is_not_read(tmp_path, monkeypatch):
    """The folder is checked at each use, not only when a process starts: a service runs for weeks,
    and a folder cleaned away meanwhile (systemd-tmpfiles) can be made again by another user, whose
    file would be unpickled and run."""
    import tempfile

    from digest.render import _compiled_templates

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    cache = _compiled_templates()
    assert cache is not None
    planted, path = kept_bucket(cache)
    folder = path.parent
    folder.rmdir()
    folder.mkdir()
    folder.chmod(0o777)  # anyone's: as one another user made would be
    planted.code = compile("planted = True", "edition.html.j2", "exec")
    with path.open("wb") as handle:
        planted.write_bytecode(handle)
    read, _ = kept_bucket(cache)
    cache.load_bytecode(read)
    assert read.code is None


def test_a_kept_file_cut_short_in_its_header_is_compiled_again(tmp_path, monkeypatch):
    import tempfile

    from digest.render import _compiled_templates

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    cache = _compiled_templates()
    assert cache is not None
    kept, path = kept_bucket(cache)
    kept.code = compile("page = 1", "edition.html.j2", "exec")
    cache.dump_bytecode(kept)
    path.write_bytes(path.read_bytes()[:20])  # the magic whole, the source's checksum cut short
    read, _ = kept_bucket(cache)
    cache.load_bytecode(read)
    assert read.code is None
