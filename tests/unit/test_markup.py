"""Bank answers: plain text with a few Telegram tags that survive escaping."""

from bot.quiz.markup import markup_problems, split_plain, to_html


def test_allowed_tags_survive_and_everything_else_is_escaped() -> None:
    text = "<b>Итог</b>: p < 0.05 & <code>x <= y</code>, а <script> — нет"

    assert to_html(text) == (
        "<b>Итог</b>: p &lt; 0.05 &amp; <code>x &lt;= y</code>, а &lt;script&gt; — нет"
    )


def test_unbalanced_or_nested_code_tags_are_problems() -> None:
    assert markup_problems("<b>ok</b> <pre>код</pre>") == []
    assert markup_problems("<b>не закрыт")
    assert markup_problems("<code><b>x</b></code>")
    assert markup_problems("лишний </i>")


def test_long_answers_split_on_paragraphs_within_the_budget() -> None:
    text = "\n\n".join("абзац " * 50 for _ in range(5))

    parts = split_plain(text, budget=700)

    assert len(parts) > 1 and all(len(p) <= 700 for p in parts)
    assert "\n\n".join(parts) == text
