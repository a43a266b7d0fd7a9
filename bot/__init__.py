"""ds-quiz-bot: interview practice for data-science candidates, one question at a time."""
