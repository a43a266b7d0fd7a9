"""Everything the user reads: texts, keyboards, callback data, rendering."""
