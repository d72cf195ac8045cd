from sofacast.pull.questions import questions_from_description


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
    description = "<p>In this episode:</p><ul><li>Why do states agree to norms?</li><li>Who &amp; how?</li></ul>"
    assert questions_from_description(description) == ["Why do states agree to norms?", "Who & how?"]
