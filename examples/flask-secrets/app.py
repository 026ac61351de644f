"""A webhook receiver that keeps its credentials in Juju secrets.

- FLASK_SECRET_KEY signs the session cookie. The charm takes it from the Juju secret named by
  the `flask-secret-key-id` option (its single key `value`), instead of the key it generates.
- The secret-typed option `webhook-secret` (key `value`) becomes FLASK_WEBHOOK_SECRET_VALUE:
  the HMAC key GitHub-style senders sign their payloads with.
- The secret-typed option `notify-api` (keys `url`, `token` and optionally `ca-cert`) becomes
  FLASK_NOTIFY_API_URL, FLASK_NOTIFY_API_TOKEN and FLASK_NOTIFY_API_CA_CERT: where accepted
  events are forwarded, and the CA to trust there.
No route ever prints a secret.
"""

import hashlib
import hmac
import os
import ssl
import urllib.request

from flask import Flask, abort, jsonify, request, session

app = Flask(__name__)
app.config.from_prefixed_env()  # SECRET_KEY from FLASK_SECRET_KEY, ...


@app.route("/")
def index():
    session["visits"] = session.get("visits", 0) + 1
    return jsonify(app="flask-secrets", visits_in_this_session=session["visits"])


@app.route("/configured")
def configured():
    """Which credentials are present, never their values."""
    return jsonify(
        webhook_secret="FLASK_WEBHOOK_SECRET_VALUE" in os.environ,
        notify_api=all(
            name in os.environ for name in ("FLASK_NOTIFY_API_URL", "FLASK_NOTIFY_API_TOKEN")
        ),
    )


@app.route("/webhook", methods=["POST"])
def webhook():
    key = os.environ.get("FLASK_WEBHOOK_SECRET_VALUE")
    if not key:
        abort(503, description="no webhook secret: set the webhook-secret option")
    sent = request.headers.get("X-Hub-Signature-256", "")
    expected = "sha256=" + hmac.new(key.encode(), request.get_data(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(sent, expected):
        abort(401, description="bad signature")
    forwarded = forward(request.get_data())
    return jsonify(accepted=True, forwarded=forwarded), 202


def forward(payload: bytes) -> bool:
    url = os.environ.get("FLASK_NOTIFY_API_URL")
    token = os.environ.get("FLASK_NOTIFY_API_TOKEN")
    if not url or not token:
        return False
    req = urllib.request.Request(
        url,
        data=payload,
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    ca_cert = os.environ.get("FLASK_NOTIFY_API_CA_CERT")
    try:
        context = ssl.create_default_context(cadata=ca_cert) if ca_cert else None
        with urllib.request.urlopen(req, timeout=5, context=context) as response:
            return 200 <= response.status < 300
    except (OSError, ssl.SSLError, ValueError):
        return False
