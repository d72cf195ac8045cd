"""Related episodes in the show notes (sofacast.shownotes.related, and how the feed asks for them).

Reasons are topic words: never the show language's stopwords, never the name of one of the show's
people however the transcript misspells it, while real topic words stay. An episode's related list
leaves out the episodes its notes already list as previous, and it is worked out against the
catalogue as it stood when the episode was published, so later episodes never change it.
"""

from __future__ import annotations

import dataclasses
import math
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from sofacast.feed.episodes import EpisodeContext
from sofacast.feed.guids import GuidLedger
from sofacast.feed.settings import feed_settings
from sofacast.feed.write import _publish_each, episodes_in_feed
from sofacast.records import Episode
from sofacast.shownotes.related import MIN_SIMILARITY, Related, TopicIndex, sounds_like_name, topic_stopwords
from sofacast.shownotes.render import Link
from sofacast.text import STOPWORDS, stem, words
from sofacast.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]

# A small back catalogue, oldest first: two threads of topics (cables, elections) and chatter around them.
CATALOGUE = {
    "undersea-cables": "Undersea cables carry the internet near the coast. Repair ships fix cables within days, "
                       "and anchors cut cables more often than sabotage does. Henrik Sato joins us.",
    "election-security": "Election security: voters, ballots and disinformation within a campaign. Officials "
                         "near the polls fight fake stories. Our guest is Priya Raman.",
    "cable-repair": "Who pays for cable repair? Repair ships are few, cables are long, and anchors drag near "
                    "ports. Fenric Sarto explains the fleet, as Henrik did before.",
    "ballot-audits": "Ballot audits after the election: officials count ballots again, voters trust the count. "
                     "Raman talks about disinformation.",
    "landing-stations": "Cable landing stations near the shore: where undersea cables meet the land, guarded "
                        "against sabotage and anchors. Sarto returns.",
    "campaign-hacks": "Campaign email hacks and leaks before the election; disinformation spreads and voters "
                      "doubt ballots.",
}
GUESTS = {"undersea-cables": ["Henrik Sato"], "election-security": ["Priya Raman"]}
HOSTS = ["Elena Marsh"]


def index(documents: dict[str, str], guests: dict[str, list[str]] | None = None, language: str = "en") -> TopicIndex:
    return TopicIndex(documents, ignore={"The Diplomat's Sofa"}, people=HOSTS, episode_people=guests or GUESTS,
                      language=language)


def all_related(topics: TopicIndex, previous: int = 0, limit: int = 3, terms: int = 5) -> dict[str, list[Related]]:
    """Every episode's related list, asked as the feed asks: in publication order, the previous ones left out."""
    found = {}
    for position, slug in enumerate(topics.slugs):
        earlier = topics.slugs[:position]
        found[slug] = topics.related(slug, earlier[:len(earlier) - previous] if previous else earlier,
                                     limit=limit, terms=terms)
    return found


def reasons(found: dict[str, list[Related]]) -> set[str]:
    return {term for related in found.values() for r in related for term in r.shared_terms}


def test_stopwords_of_the_show_language_are_never_reasons() -> None:
    found = all_related(index(CATALOGUE))
    assert reasons(found), "the catalogue has related episodes"
    assert not reasons(found) & topic_stopwords("en")
    assert {"near", "within"} <= topic_stopwords("en") and not {"near", "within"} & reasons(found)
    assert found["cable-repair"][0].slug == "undersea-cables"


def test_stopwords_follow_the_language_tag_and_fall_back_to_the_short_list() -> None:
    assert topic_stopwords("en-GB") == topic_stopwords("en") > STOPWORDS
    assert "zwischen" in topic_stopwords("de") and topic_stopwords("de") >= STOPWORDS
    assert topic_stopwords("tlh") == STOPWORDS  # no stopwords-iso list for Klingon: the built-in list alone

    german = {"kabel": "Seekabel und Reparatur zwischen den Inseln, jedoch werden Anker und Seekabel oft gefunden.",
              "wahl": "Wahlen und Desinformation, jedoch werden Wahlen sicher.",
              "anker": "Anker zerreissen Seekabel zwischen den Inseln; jedoch werden Reparatur und Anker bezahlt."}
    found = all_related(index(german, guests={}, language="de"))
    assert found["anker"] and {"seekabel", "anker"} & set(found["anker"][0].shared_terms)
    assert not reasons(found) & {"zwischen", "jedoch", "werden", "und", "den"}


@pytest.mark.parametrize(("heard", "name"), [("sarto", "sato"), ("fenric", "henrik"), ("alina", "elena"),
                                             ("saito", "sato"), ("thomas", "tomas"), ("okafur", "okafor"),
                                             ("henryk", "henrik"), ("helena", "elena"), ("raman", "raman")])
def test_a_misheard_name_sounds_like_it(heard: str, name: str) -> None:
    assert sounds_like_name(heard, name)


@pytest.mark.parametrize(("word", "name"), [("security", "secura"), ("secular", "secura"), ("media", "medina"),
                                            ("generic", "henrik"), ("state", "sato"), ("data", "sato"),
                                            ("human", "raman"), ("norms", "marsh"), ("alias", "ellis"),
                                            ("sado", "sato")])  # short words: only an exact spelling is a name
def test_a_topic_word_is_no_name(word: str, name: str) -> None:
    assert not sounds_like_name(word, name)


def test_misspelled_names_are_never_reasons_while_topic_words_are() -> None:
    catalogue = {
        "supply-chains": "Fenric Sarto and Alina on software supply chains: security updates, signed packages, "
                         "build servers and security audits. Sarto says security starts at the build.",
        "weather": "Alina chats about the weather, the garden and music.",
        "signed-builds": "Nadia Secura on signed packages and reproducible build servers: security audits, "
                         "security updates and supply chains. Secura met Fenric and Sarto.",
    }
    found = all_related(index(catalogue, guests={"supply-chains": ["Henrik Sato"], "signed-builds": ["Nadia Secura"]}),
                        terms=20)
    shared = found["signed-builds"][0].shared_terms
    assert found["signed-builds"][0].slug == "supply-chains"
    assert "security" in shared and {"packages", "build", "audits"} <= set(shared)
    assert not set(shared) & {"sarto", "fenric", "alina", "secura", "nadia", "henrik", "sato"}


def test_an_episodes_guest_is_a_name_from_that_episode_on() -> None:
    """A later guest's name spoken in an earlier episode stays a word there: leaving it out would change older
    notes. From the guest's own episode on it is a name, whoever says it."""
    catalogue = {"weather": "Rain, wind and sunshine over the garden.",
                 "anchors-1": "Anchor damage and anchor drags near cables; Marina Anchor's report on cables.",
                 "anchors-2": "Anchor damage again: anchor drags cut cables, says the anchor report.",
                 "anchors-3": "Marina Anchor on anchor damage to cables and the drags of ships."}
    found = all_related(index(catalogue, guests={"anchors-3": ["Marina Anchor"]}), terms=10)
    assert "anchor" in found["anchors-2"][0].shared_terms
    assert found["anchors-3"] and all("anchor" not in r.shared_terms for r in found["anchors-3"])


def test_similarity_is_tf_idf_over_the_catalogue_as_published() -> None:
    """The incremental sums agree with TF-IDF computed directly over each episode and the ones before it."""
    vocabulary = ["cable", "anchor", "treaty", "ballot", "voter", "fleet", "harbour", "malware", "patch", "border"]
    texts = {f"ep-{i}": " ".join(vocabulary[(i * 3 + k) % 10] for k in range(1 + i % 4) for _ in range(1 + k))
             + " " + " ".join(vocabulary[(i + k) % 10] for k in range(3)) for i in range(9)}
    found = all_related(TopicIndex(texts), limit=20)
    for position, slug in enumerate(texts):
        catalogue = [Counter(stem(w) for w in words(text)) for text in list(texts.values())[:position + 1]]
        frequency = Counter(term for counts in catalogue for term in counts)
        vectors = [{t: (1 + math.log(n)) * math.log((1 + len(catalogue)) / (1 + frequency[t])) for t, n in c.items()}
                   for c in catalogue]
        norms = [math.sqrt(sum(w * w for w in v.values())) for v in vectors]
        expected = {}
        for other in range(position):
            dot = sum(w * vectors[other].get(t, 0.0) for t, w in vectors[position].items())
            similarity = dot / (norms[position] * norms[other]) if norms[position] and norms[other] else 0.0
            if similarity >= MIN_SIMILARITY:
                expected[f"ep-{other}"] = round(similarity, 3)
        assert {r.slug: r.similarity for r in found[slug]} == expected


def later_episode(kind: str) -> tuple[str, str, list[str]]:
    if kind == "unrelated":
        return "sourdough", "Sourdough starters, flour, ovens and crusts: baking bread at home.", ["Ada Baker"]
    # On the same topics, with a guest whose name older transcripts use as a word.
    return ("cable-ships", "Cable ships, anchors and undersea cables; repair fleets near landing stations and "
            "ballots of the crew. Guest Marina Anchor, with Sarto.", ["Marina Anchor", "Repair Shipley"])


@pytest.mark.parametrize("kind", ["unrelated", "related"])
@pytest.mark.parametrize("previous", [0, 2])
def test_a_later_episode_changes_no_older_related_list(kind: str, previous: int) -> None:
    before = all_related(index(CATALOGUE), previous=previous)
    slug, text, guests = later_episode(kind)
    after = all_related(index({**CATALOGUE, slug: text}, guests={**GUESTS, slug: guests}), previous=previous)
    assert any(before.values())
    assert {s: repr(r) for s, r in after.items() if s != slug} == {s: repr(r) for s, r in before.items()}
    if kind == "related":
        assert after[slug] or previous, "the later episode does find related ones"


def test_equal_similarity_is_ordered_by_slug_whatever_the_publication_order() -> None:
    twin = "Undersea cables, repair ships and anchors near landing stations."
    for first, second in [("zulu-cables", "alpha-cables"), ("alpha-cables", "zulu-cables")]:
        documents = {first: twin, "elections": "Ballots, voters and disinformation.", second: twin,
                     "cables-again": "Undersea cables and repair ships, anchors and landing stations again."}
        related = index(documents, guests={}).related("cables-again", [first, "elections", second])
        assert [r.slug for r in related] == ["alpha-cables", "zulu-cables"]
        assert related[0].similarity == related[1].similarity
        assert related[0].shared_terms == related[1].shared_terms
    assert all_related(index(CATALOGUE)) == all_related(index(dict(CATALOGUE)))


def test_asked_out_of_order_the_answers_are_the_same() -> None:
    topics = index(CATALOGUE)
    in_order = all_related(topics)
    last, first_with_related = topics.slugs[-1], "cable-repair"
    earlier = topics.slugs[:topics.positions[last]]
    assert topics.related(last, earlier, terms=5) == in_order[last]
    assert topics.related(first_with_related, topics.slugs[:2], terms=5) == in_order[first_with_related]
    assert topics.related(first_with_related, topics.slugs, terms=5) == in_order[first_with_related]  # later: ignored


def write_show(root: Path, episodes: dict[str, str]) -> Workspace:
    """A workspace of episodes without transcripts (their title and description are their topic), published."""
    root.mkdir()
    for name in ("sofacast.toml", "artwork.png"):
        shutil.copy(ROOT / name, root)
    for day, (slug, description) in enumerate(episodes.items(), start=1):
        folder = root / "episodes" / slug
        folder.mkdir(parents=True)
        (folder / "episode.toml").write_text(f'title = "{slug.replace("-", " ").title()}"\n'
                                              f'published = "2026-01-{day:02d}"\ndraft = false\n'
                                              f'description = "{description}"\n')
    return Workspace.open(root)


@pytest.mark.parametrize("previous", [1, 2, 3])
def test_the_notes_never_list_a_previous_episode_as_related(tmp_path: Path, previous: int) -> None:
    workspace = write_show(tmp_path / "show", {
        "cables-one": "Repair ships and trawlers.", "cables-two": "Landing stations and anchors.",
        "cables-three": "Repair fleets and trawlers.", "cables-four": "Anchors at landing stations.",
        "cables-five": "Trawlers and anchors.", "cables-six": "Repair ships, trawlers, anchors, landing stations."})
    show = workspace.show()
    settings = dataclasses.replace(feed_settings(show, workspace.root), previous=previous, related=3)
    ledger = GuidLedger.load(workspace.feeds_dir)
    episodes, failures = episodes_in_feed(workspace, ledger)
    notes: dict[str, tuple[list[Link], list[Link]]] = {}

    def keep_links(context: EpisodeContext, episode: Episode, guid: str, previous_links: list[Link],
                   related_links: list[Link]) -> Any:  # the item itself is not needed here
        notes[episode.slug] = (previous_links, related_links)

    _publish_each(workspace, show, settings, ledger, episodes, failures, None, keep_links)
    assert not failures and len(notes) == 6
    for position, (slug, (previous_links, related_links)) in enumerate(notes.items()):
        assert len(previous_links) == min(position, previous)
        assert not {link.url for link in previous_links} & {link.url for link in related_links}, slug
        assert all(link.note.startswith("shares: ") for link in related_links)
    related_to_last = {link.url.split("/")[-2] for link in notes["cables-six"][1]}
    assert related_to_last and related_to_last <= set(list(notes)[:5 - previous])  # found among the others
