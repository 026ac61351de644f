"""A Flask app for gunicorn's gevent workers: slow, I/O-bound requests do not hold a worker.

`gevent` in requirements.txt makes the rock's command `-k [ gevent ]`; the charm option
`webserver-worker-class` (gevent or sync) must agree with it, or paas-charm rewrites the
command. `webserver-workers` sets the process count; with gevent each process serves many
requests at once (`worker_connections`, 1000 by default).
"""

import time

from flask import Flask, Response, abort, jsonify, request, stream_with_context

app = Flask(__name__)
app.config.from_prefixed_env()  # FLASK_SECRET_KEY, FLASK_MAX_SLEEP_SECONDS, ...


def worker_class() -> str:
    """gevent monkey-patches time.sleep in its workers; report which one we run under."""
    try:
        from gevent import monkey
    except ImportError:
        return "sync"
    return "gevent" if monkey.is_module_patched("time") else "sync"


@app.route("/")
def index():
    return jsonify(app="flask-async", worker_class=worker_class())


@app.route("/sleep")
def sleep():
    """Waits without blocking the worker under gevent (try 100 concurrent requests)."""
    limit = float(app.config.get("MAX_SLEEP_SECONDS", 10))
    try:
        seconds = float(request.args.get("seconds", "1"))
    except ValueError:
        abort(400, description="seconds must be a number")
    seconds = min(max(seconds, 0.0), limit)
    time.sleep(seconds)
    return jsonify(slept=seconds)


@app.route("/ticks")
def ticks():
    """Streams one line per second: a long-lived response, cheap with gevent."""
    count = min(int(request.args.get("count", "5")), 60)

    def generate():
        for n in range(count):
            yield f"tick {n}\n"
            time.sleep(1)

    return Response(stream_with_context(generate()), mimetype="text/plain")
