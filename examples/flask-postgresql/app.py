"""A small notes service backed by PostgreSQL.

paas-charm gives the app its database through the `postgresql` integration as
POSTGRESQL_DB_CONNECT_STRING (plus the URL's parts: POSTGRESQL_DB_HOSTNAME, _PORT, _NAME, ...).
The index page never touches the database, so the app starts and answers `/` before the
database is reachable; only the /notes routes connect.
"""

import os

import psycopg
from flask import Flask, abort, jsonify, request

app = Flask(__name__)
app.config.from_prefixed_env()  # FLASK_SECRET_KEY, FLASK_DEBUG, FLASK_PAGE_SIZE, ...


def connect() -> psycopg.Connection:
    """Opens a connection to the integrated database, or answers 503 without one."""
    dsn = os.environ.get("POSTGRESQL_DB_CONNECT_STRING")
    if not dsn:
        abort(503, description="no database: integrate with postgresql-k8s")
    try:
        return psycopg.connect(dsn, connect_timeout=5)
    except psycopg.OperationalError:
        abort(503, description="the database is not reachable")


@app.route("/")
def index():
    return "flask-postgresql: a notes service. GET /notes, POST /notes {\"text\": ...}\n"


@app.route("/healthz/db")
def database_health():
    with connect() as conn:
        conn.execute("SELECT 1")
    return jsonify(database=os.environ.get("POSTGRESQL_DB_NAME"), status="ok")


@app.route("/notes", methods=["GET"])
def list_notes():
    limit = int(app.config.get("PAGE_SIZE", 20))
    with connect() as conn:
        rows = conn.execute(
            "SELECT id, text, created_at FROM notes ORDER BY id DESC LIMIT %s", (limit,)
        ).fetchall()
    return jsonify(
        [{"id": i, "text": text, "created_at": created.isoformat()} for i, text, created in rows]
    )


@app.route("/notes", methods=["POST"])
def add_note():
    body = request.get_json(silent=True) or {}
    text = str(body.get("text", "")).strip()
    if not text:
        abort(400, description="give the note as {\"text\": \"...\"}")
    with connect() as conn:
        (note_id,) = conn.execute(
            "INSERT INTO notes (text) VALUES (%s) RETURNING id", (text,)
        ).fetchone()
    return jsonify(id=note_id, text=text), 201
