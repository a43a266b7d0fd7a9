"""The daily question: who is due (tick), and delivery under Telegram's limits (sender)."""
