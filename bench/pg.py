"""PostgreSQL databases for the benchmarks: created beside the one DATABASE_URL names, copied
from a migrated template for each measurement, dropped at the end."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


class Server:
    """Creates and drops databases beside the one named in DATABASE_URL."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.base = parts.path.lstrip("/")
        self.admin_url = urlunsplit(parts._replace(path="/postgres"))
        self.created: list[str] = []

    def execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            admin.execute(sql)

    def create(self, name: str, template: str | None = None) -> str:
        if template:  # a template may have no other session open
            from django.db import connection

            connection.close()
        self.drop(name)
        self.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        self.created.append(name)
        return name

    def drop(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self.created:
            self.created.remove(name)


def use(name: str) -> None:
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name
