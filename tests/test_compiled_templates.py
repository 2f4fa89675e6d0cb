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
