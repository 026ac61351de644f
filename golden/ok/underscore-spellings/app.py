from celery import Celery
from flask import Flask, render_template

app = Flask(__name__)
celery_app = Celery(__name__)


@app.route("/")
def index():
    return render_template("index.html")
