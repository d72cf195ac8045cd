"""The Podcasting 2.0 rules of `validate` (sofacast.feed.validate_podcasting20) on hand-made elements."""

import pytest
from lxml import etree

from sofacast.feed.validate_podcasting20 import channel_rules, item_rules

ROOT = ('<{tag} xmlns:podcast="https://podcastindex.org/namespace/1.0" '
        'xmlns:psc="http://podlove.org/simple-chapters">{body}</{tag}>')


def _item(body: str) -> list[str]:
    return [problem for _, problem in item_rules(etree.fromstring(ROOT.format(tag="item", body=body)), 90.0)]


def _channel(body: str) -> list[str]:
    return [problem for _, problem in channel_rules(etree.fromstring(ROOT.format(tag="channel", body=body)))]


def test_good_tags_have_no_findings():
    assert _item('<podcast:soundbite startTime="12.5" duration="30">Best bit</podcast:soundbite>'
                 '<psc:chapters version="1.2"><psc:chapter start="00:00:00.000" title="A"/>'
                 '<psc:chapter start="1:02:03.5" title="B"/></psc:chapters>') == []
    assert _channel('<podcast:podroll><podcast:remoteItem feedGuid="917393e3-1b1e-5cef-ace4-edaa54e1f810"/></podcast:podroll>'
                    '<podcast:trailer pubdate="Tue, 01 Sep 2026 08:00:00 GMT" url="https://e.org/t.mp3" length="12" '
                    'type="audio/mpeg">T</podcast:trailer>'
                    '<podcast:location geo="geo:46.2044,6.1432">Geneva</podcast:location>') == []


@pytest.mark.parametrize(("body", "says"), [
    ('<podcast:soundbite startTime="x" duration="30"/>', "needs startTime"),
    ('<podcast:soundbite startTime="10" duration="200"/>', "lasts 200 s"),
    ('<podcast:soundbite startTime="80" duration="30"/>', "past the end"),
    ('<psc:chapters><psc:chapter start="12 seconds" title="A"/></psc:chapters>', "HH:MM:SS"),
    ('<psc:chapters><psc:chapter start="00:01:00" title="B"/><psc:chapter start="00:00:10" title="A"/></psc:chapters>',
     "time order"),
])
def test_bad_item_tags_are_found(body: str, says: str):
    assert any(says in problem for problem in _item(body))


@pytest.mark.parametrize(("body", "says"), [
    ('<podcast:podroll><podcast:remoteItem feedGuid="not-a-uuid"/></podcast:podroll>', "not a UUID"),
    ('<podcast:trailer pubdate="soon" url="https://e.org/t.mp3">T</podcast:trailer>', "RFC 2822"),
    ('<podcast:trailer pubdate="Tue, 01 Sep 2026 08:00:00 GMT" length="big" type="text/html">T</podcast:trailer>', "length"),
    ('<podcast:location geo="46.2,6.1">Geneva</podcast:location>', "geo: URI"),
])
def test_bad_channel_tags_are_found(body: str, says: str):
    assert any(says in problem for problem in _channel(body))
