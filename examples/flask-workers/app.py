"""A word-count service with a Celery worker and a Celery beat scheduler.

The rock defines two more Pebble services next to `flask` (see rockcraft.yaml):
`celery-worker` runs the tasks and `celery-beat-scheduler` enqueues the periodic one.
paas-charm gives both the app's full environment; the scheduler runs on unit 0 only.
Redis (REDIS_DB_CONNECT_STRING) is the broker and the result backend. The web app does not
connect to Redis before a request needs it, so `/` answers without a broker.
"""

import os
import time

from celery import Celery
from celery.result import AsyncResult
from flask import Flask, abort, jsonify, request

app = Flask(__name__)
app.config.from_prefixed_env()  # FLASK_SECRET_KEY, FLASK_HEARTBEAT_SECONDS, ...

BROKER = os.environ.get("REDIS_DB_CONNECT_STRING", "redis://localhost:6379")

celery_app = Celery(app.name, broker=BROKER, backend=BROKER)
celery_app.conf.update(
    task_ignore_result=False,
    result_expires=3600,
    broker_connection_retry_on_startup=True,
    beat_schedule={
        "heartbeat": {
            "task": "app.heartbeat",
            "schedule": float(app.config.get("HEARTBEAT_SECONDS", 60)),
        },
    },
)


@celery_app.task(name="app.count_words")
def count_words(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for word in text.split():
        word = word.strip(".,;:!?\"'()").lower()
        if word:
            counts[word] = counts.get(word, 0) + 1
    return counts


@celery_app.task(name="app.heartbeat")
def heartbeat() -> float:
    """Runs on the scheduler's schedule; its result shows the scheduler is alive."""
    now = time.time()
    celery_app.backend.set("flask-workers:last-heartbeat", str(now))
    return now


@app.route("/")
def index():
    return "flask-workers: POST /jobs {\"text\": ...}, then GET /jobs/<id>\n"


@app.route("/jobs", methods=["POST"])
def submit():
    body = request.get_json(silent=True) or {}
    text = body.get("text")
    if not isinstance(text, str) or not text:
        abort(400, description="give the text as {\"text\": \"...\"}")
    job = count_words.delay(text)
    return jsonify(id=job.id), 202


@app.route("/jobs/<job_id>")
def job(job_id: str):
    result = AsyncResult(job_id, app=celery_app)
    if result.successful():
        return jsonify(id=job_id, state=result.state, counts=result.result)
    return jsonify(id=job_id, state=result.state)


@app.route("/heartbeat")
def last_heartbeat():
    value = celery_app.backend.get("flask-workers:last-heartbeat")
    if value is None:
        abort(404, description="the scheduler has not run yet")
    return jsonify(last=float(value), age=time.time() - float(value))
