"""The importer: turns channel dumps and articles into reviewed bank entries."""
