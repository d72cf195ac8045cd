from sofacast.questions import questions_from_description
from sofacast.sanitize import html_to_text


def test_bullets_and_numbers_ending_in_question_marks():
    description = """Our guest explains the basics.
• Why is cyber diplomacy needed?
- What can small states do ?
1. How do norms work?
2) Who attributes attacks?
* Not a question.
Is this a question without a bullet?
"""
    assert questions_from_description(description) == [
        "Why is cyber diplomacy needed?", "What can small states do ?", "How do norms work?", "Who attributes attacks?",
    ]


def test_html_list_items_count_as_bullets():
    # A source's HTML description becomes text once, on the way in; its list items become bullet lines.
    description = html_to_text("<p>In this episode:</p><ul><li>Why do states agree to norms?</li><li>Who &amp; how?</li></ul>")
    assert questions_from_description(description) == ["Why do states agree to norms?", "Who & how?"]


def test_escaped_markup_in_a_description_stays_text_and_never_becomes_a_tag():
    description = html_to_text("<ul><li>Is &amp;lt;script&amp;gt; safe?</li><li>What about &lt;b&gt;bold&lt;/b&gt;?</li></ul>")
    assert questions_from_description(description) == ["Is &lt;script&gt; safe?", "What about bold?"]


def test_a_time_written_before_a_question_is_not_part_of_it():
    description = ("• 0:02 Do plants talk?\n- (1:02:03) – How do roots share sugar?\n"
                   "1. [12:30] What is a mycorrhiza?\n• 3 Why three?")
    assert questions_from_description(description) == ["Do plants talk?", "How do roots share sugar?",
                                                       "What is a mycorrhiza?", "3 Why three?"]
