"""What a show's settings must be for its feed to be valid (sofacast.feed.show_rules, sofacast.feed.apple), and the
artwork `init` draws when there is none (sofacast.images.title_artwork), on hand-built values.

Every problem names the setting, what is wrong and how to fix it, with the value most likely meant when one is
close: a category in any case or spelling, a language tag written with an underscore or as the language's name.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from sofacast.feed.apple import CATEGORIES, category_problem, closest_category
from sofacast.feed.show_rules import base_url_problem, email_problem, language_problem, setting_findings, show_problems
from sofacast.images import ARTWORK_PIXELS, background, drawable, title_artwork
from sofacast.records import Show

# --- categories -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "meant"), [
    ("technology", "Technology"), ("TECHNOLOGY", "Technology"), ("Technolgy", "Technology"),
    ("Tech News", "News > Tech News"), ("news > tech news", "News > Tech News"), ("News/Tech news", "News > Tech News"),
    ("Home and Garden", "Leisure > Home & Garden"), ("Leisure > Home and Garden", "Leisure > Home & Garden"),
    ("tv and film", "TV & Film"), ("Sports > Basket ball", "Sports > Basketball"), ("News > Tech", "News > Tech News"),
])
def test_a_near_miss_names_the_category_meant(written: str, meant: str) -> None:
    assert closest_category(written) == meant
    assert category_problem(written).endswith(f"; did you mean '{meant}'?")


@pytest.mark.parametrize("category", ["Technology", "Leisure > Home & Garden", "Leisure>Home & Garden", "News/Tech News",
                                      "Religion & Spirituality > Religion"])
def test_apples_own_names_pass(category: str) -> None:
    assert category_problem(category) is None


def test_every_category_and_subcategory_of_apples_list_is_its_own_closest() -> None:
    names = [*CATEGORIES, *(f"{parent} > {sub}" for parent, subs in CATEGORIES.items() for sub in subs)]
    assert all(closest_category(name) == name for name in names)


def test_something_far_from_every_category_lists_them_instead() -> None:
    assert category_problem("Cooking Shows") == f"'Cooking Shows' is not one of Apple's categories ({', '.join(CATEGORIES)})"
    assert category_problem("History > Wars") == "'Wars' is not a subcategory of History (allowed: none)"


# --- language, email, base_url ----------------------------------------------------------------------------


@pytest.mark.parametrize("tag", ["en", "en-GB", "en-us", "pt-BR", "zh-Hans-CN", "es-419", "sr-Latn-RS", "de-CH-1996"])
def test_bcp_47_tags_pass(tag: str) -> None:
    assert language_problem(tag) is None


@pytest.mark.parametrize(("tag", "fix"), [
    ("en_US", "Did you mean 'en-US'?"), ("english", "Did you mean 'en'?"), ("Portuguese", "Did you mean 'pt'?"),
    ("xx-QQ", "Write a tag such as en, en-GB, pt-BR or zh-Hans-CN"), ("", "Write a tag such as en, en-GB, pt-BR or zh-Hans-CN"),
    ("en-", "Write a tag such as en, en-GB, pt-BR or zh-Hans-CN"),
])
def test_what_is_not_a_tag_is_refused_with_the_tag_meant(tag: str, fix: str) -> None:
    problem = language_problem(tag)
    assert problem is not None and problem.what == f"{tag!r} is not a BCP 47 language tag" and problem.fix == fix


@pytest.mark.parametrize(("address", "ok"), [("producer@example.org", True), ("élise@exämple.fr", True), ("a@b.c", True),
                                             ("nobody", False), ("a@b", False), ("a@b..c", False), ("a@.b", False),
                                             ("a b@c.org", False), ("<a@b.org>", False)])
def test_email(address: str, ok: bool) -> None:
    assert (email_problem(address) is None) is ok


@pytest.mark.parametrize(("url", "what"), [
    ("https://example.org/show/", None), ("http://127.0.0.1:8000/", None),
    ("", "is missing"), ("example.org/show", "'example.org/show' is not an http(s) address with a host"),
    ("ftp://example.org/", "'ftp://example.org/' is not an http(s) address with a host"),
    ("https:///show", "'https:///show' is not an http(s) address with a host"),
    ("https://example.org/show/?page=1", "'https://example.org/show/?page=1' has a ?query or #fragment, so no address "
                                         "under it would work"),
])
def test_base_url(url: str, what: str | None) -> None:
    problem = base_url_problem(url)
    assert (problem.what if problem else None) == what


def test_init_hears_of_every_problem_in_the_words_of_its_options() -> None:
    show = Show(title="Sofa", owner_email="nobody", base_url="", language="en_GB", categories=["Technology", "technology"])
    assert [p.as_error().one_line() for p in show_problems(show)] == [
        "--email 'nobody' is not an email address. Give the owner's address, e.g. producer@example.org: Apple sends mail "
        "about the show there.",
        "--base-url is missing. Give the http(s) address feeds/, episodes/ and transcripts/ will be served at, "
        "e.g. https://example.org/show/.",
        "--language 'en_GB' is not a BCP 47 language tag. Did you mean 'en-GB'?",
        "--category 'technology' is not one of Apple's categories. Did you mean 'Technology'?",
    ]


def test_validate_hears_of_them_as_findings_of_sofacast_toml() -> None:
    show = Show(title="Sofa", owner_email="", base_url="https://example.org/", language="english")
    assert [f.line() for f in setting_findings(show)] == [
        "sofacast.toml: language: 'english' is not a BCP 47 language tag; did you mean 'en'?"]


# --- the artwork init draws -------------------------------------------------------------------------------


def drawn(title: str) -> Image.Image:
    image = Image.open(io.BytesIO(title_artwork(title)))
    assert (image.format, image.size, image.mode) == ("PNG", (ARTWORK_PIXELS, ARTWORK_PIXELS), "RGB")
    return image


def text_rows(image: Image.Image, title: str) -> tuple[int, int]:
    """The first and last pixel rows that differ from the background: where the title is."""
    rows = [y for y in range(0, ARTWORK_PIXELS, 10) if any(image.getpixel((x, y)) != background(title)
                                                            for x in range(0, ARTWORK_PIXELS, 10))]
    return rows[0], rows[-1]


@pytest.mark.parametrize("title", ["X", "The Diplomat's Sofa", "Word " * 60, "Pneumonoultramicroscopicsilicovolcanoconiosis" * 3])
def test_the_title_is_drawn_inside_the_margins_and_above_the_bottom_fifth(title: str) -> None:
    image = drawn(title)
    top, bottom = text_rows(image, title)
    assert ARTWORK_PIXELS // 10 <= top < bottom <= ARTWORK_PIXELS * 4 // 5  # apps draw over the bottom fifth


def test_a_title_in_any_script_is_drawn_in_letters_the_font_has() -> None:
    # Pillow's own font has Latin letters only: "Кибердипломатия" drawn as such would be a row of boxes.
    assert drawable("Кибердипломатия: Café — Straße") == "Kiberdiplomatiia: Cafe -- Strasse"
    assert drawable("The Diplomat’s Sofa & Co.") == "The Diplomat’s Sofa & Co."  # what the font has stays
    assert text_rows(drawn("Кибердипломатия"), "Кибердипломатия")  # and it is drawn


def test_each_title_gets_a_colour_of_its_own_that_white_text_reads_well_on() -> None:
    colours = {background(f"Show {n}") for n in range(50)}
    assert len(colours) > 40 and background("Show 1") == background("Show 1")
    for colour in colours:
        channels = [c / 255 for c in colour]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
        assert (1.05 / (luminance + 0.05)) >= 4.5  # WCAG's contrast for text
