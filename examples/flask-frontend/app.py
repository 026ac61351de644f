"""A Flask site serving the front end the `frontend` part builds into static/."""

import flask

app = flask.Flask(__name__)


@app.route("/")
def index():
    """The built front end's page (404 if the build did not put it there)."""
    return app.send_static_file("index.html")
