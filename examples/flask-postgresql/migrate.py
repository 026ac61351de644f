"""Database migration: paas-charm runs `python3 migrate.py` in /flask/app, with the app's
environment, after the postgresql integration is ready and before the app is (re)started.
It must be idempotent: it runs again whenever the database endpoints change."""

import os

import psycopg

SCHEMA = """
CREATE TABLE IF NOT EXISTS notes (
    id         BIGSERIAL PRIMARY KEY,
    text       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
)
"""


def migrate() -> None:
    with psycopg.connect(os.environ["POSTGRESQL_DB_CONNECT_STRING"]) as conn:
        conn.execute(SCHEMA)


if __name__ == "__main__":
    migrate()
