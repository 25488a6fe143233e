"""Folders of saved articles (issue 14, item 11): symlinked folders are
followed, each real folder once, so a link back to a parent cannot loop."""

from __future__ import annotations

import os

import pytest

from archiver.sources import Failed, expand


def test_symlinked_folders_are_followed_once_and_a_loop_ends(tmp_path):
    day = tmp_path / "2021-07-07"
    day.mkdir()
    (day / "story.html").write_text("<p>story</p>")
    links = tmp_path / "links"
    links.mkdir()
    (links / "today").symlink_to(day, target_is_directory=True)
    (links / "again").symlink_to(day, target_is_directory=True)  # the same real folder: read once
    (links / "loop").symlink_to(links, target_is_directory=True)  # a link to its own parent
    assert list(expand([str(links)])) == [str(links / "again" / "story.html")]


def test_a_folder_of_only_symlinked_folders_is_not_empty(tmp_path):
    """Regression: such a folder was skipped as 'holds no files'."""
    day = tmp_path / "saved"
    day.mkdir()
    (day / "a.txt").write_text("story a")
    (day / "b.txt").write_text("story b")
    links = tmp_path / "links"
    links.mkdir()
    (links / "monday").symlink_to(day, target_is_directory=True)
    assert list(expand([str(links)])) == [str(links / "monday" / "a.txt"), str(links / "monday" / "b.txt")]


def test_a_folder_that_is_only_a_loop_holds_no_files(tmp_path):
    (tmp_path / "self").symlink_to(tmp_path, target_is_directory=True)
    assert list(expand([str(tmp_path)])) == [
        Failed(str(tmp_path), "directory holds no files; point at a folder of saved articles")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder")
def test_a_folder_that_cannot_be_listed_is_a_failure_and_the_rest_is_read(tmp_path):
    (tmp_path / "a.txt").write_text("story a")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        assert list(expand([str(tmp_path)])) == [
            str(tmp_path / "a.txt"),
            Failed(str(locked), "cannot list this folder (Permission denied); check its permissions")]
    finally:
        locked.chmod(0o755)


def test_a_symlink_to_itself_in_a_folder_is_a_failure_and_the_rest_is_read(tmp_path):
    """Regression: is_dir() raised "too many levels of symbolic links" and ended the run."""
    (tmp_path / "a.txt").write_text("story a")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (tmp_path / "z.txt").write_text("story z")
    assert list(expand([str(tmp_path)])) == [
        str(tmp_path / "a.txt"),
        Failed(str(tmp_path / "loop"), "cannot read (Too many levels of symbolic links); check where it links to"),
        str(tmp_path / "z.txt")]
