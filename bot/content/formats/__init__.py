"""One reader per source format; each turns raw text into a list of ``RawPost``."""
