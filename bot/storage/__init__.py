"""SQL only: the connection, migrations and the repository."""
