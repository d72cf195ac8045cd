"""Over a hundred hostile workspace files (wrong types and ranges, markup, paths and symlinks out of the
workspace, damaged derived files, a foreign search index), each run through feed, validate, chunk,
search and index: one line per problem and no traceback, the right exit code, nothing written outside
the workspace, nothing a producer wrote changed, no GUID changed, and no executable markup anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from tests.faults.cases import CASES, Case
from tests.faults.conftest import assert_clean, assert_clean_findings, leftovers, measured, producer_files, snapshot
from tests.faults.markup import workspace_problems


def item_guids(root: Path) -> set[str]:
    document = etree.parse(str(root / "feeds" / "feed.xml"), etree.XMLParser(resolve_entities=False))
    return {item.findtext("guid") for item in document.getroot().iter("item")}


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_hostile_workspace_file(case: Case, show: Path, cli) -> None:
    published = (show / "feeds" / "feed.xml").read_bytes()
    guids = item_guids(show)
    case.mutate(show)
    before = producer_files(show)
    beside = snapshot(show.parent, skip=("show",))
    result = cli("feed", "-w", show)
    assert_clean(result)
    said = result.stderr
    if case.feed == "refused":
        assert result.exit_code != 0 and case.where in said, said
        assert len(said.strip().splitlines()) == 1, said
        if (show / "feeds" / "feed.xml").exists():
            assert (show / "feeds" / "feed.xml").read_bytes() == published
    else:
        assert item_guids(show) == guids  # every episode listeners have stays in their apps, under its GUID
        if case.feed == "episode":
            assert result.exit_code != 0 and case.where in said, said
        elif case.feed == "warn":
            assert result.exit_code == 0 and case.where in said and "Warning: " in said, said
        else:
            assert result.exit_code == 0, said
    assert_clean_findings(cli("validate", "-w", show))
    for command in (["chunk", "--all"], ["search", "norms"], ["index"]):
        assert_clean(cli(*command, "-w", show))
    after = producer_files(show)
    if case.id.startswith("guids.json"):  # read back from the published feed; the damaged one kept aside
        before.pop("feeds/guids.json", None), after.pop("feeds/guids.json", None)
    assert after == before, "a file the producer wrote was changed or lost"
    assert snapshot(show.parent, skip=("show",)) == beside, "something was written outside the workspace"
    assert workspace_problems(show) == []
    assert leftovers(show) == []
    measured("hostile workspace files")
