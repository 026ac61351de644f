"""A file drop: uploads go to an S3 bucket, the listing is cached in Redis.

paas-charm exports the `s3` integration as S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET, S3_ENDPOINT,
S3_REGION, S3_ADDRESSING_STYLE, ... and the `redis` integration as REDIS_DB_CONNECT_STRING
(plus REDIS_DB_HOSTNAME, REDIS_DB_PORT, ...). Neither is touched before a request needs it:
`/` answers without S3 or Redis, and the app works (uncached) without Redis.
"""

import json
import os

import boto3
import botocore.config
import botocore.exceptions
import redis
from flask import Flask, abort, jsonify, redirect, render_template, request, url_for

app = Flask(__name__)
app.config.from_prefixed_env()  # FLASK_SECRET_KEY, FLASK_MAX_UPLOAD_MB, FLASK_CACHE_SECONDS, ...
app.config["MAX_CONTENT_LENGTH"] = int(app.config.get("MAX_UPLOAD_MB", 10)) * 1024 * 1024

LISTING_KEY = "flask-redis-s3:listing"


def bucket() -> tuple[object, str]:
    """The S3 client and bucket name, or 503 when the s3 integration is missing."""
    if not os.environ.get("S3_BUCKET"):
        abort(503, description="no bucket: integrate with s3-integrator")
    client = boto3.client(
        "s3",
        aws_access_key_id=os.environ.get("S3_ACCESS_KEY"),
        aws_secret_access_key=os.environ.get("S3_SECRET_KEY"),
        endpoint_url=os.environ.get("S3_ENDPOINT") or None,
        region_name=os.environ.get("S3_REGION") or None,
        config=botocore.config.Config(
            s3={"addressing_style": os.environ.get("S3_ADDRESSING_STYLE", "auto")},
            connect_timeout=5,
            retries={"max_attempts": 2},
        ),
    )
    return client, os.environ["S3_BUCKET"]


def prefix() -> str:
    """Object key prefix: S3_PATH without its slashes ("" for the bucket's root)."""
    path = os.environ.get("S3_PATH", "").strip("/")
    return f"{path}/" if path else ""


def cache() -> redis.Redis | None:
    """The Redis cache, or None when the optional redis integration is absent."""
    url = os.environ.get("REDIS_DB_CONNECT_STRING")
    return redis.Redis.from_url(url, socket_timeout=2) if url else None


def listing() -> list[str]:
    store = cache()
    if store is not None:
        try:
            cached = store.get(LISTING_KEY)
            if cached is not None:
                return json.loads(cached)
        except redis.RedisError:
            store = None  # a cache outage must not break the page
    client, name = bucket()
    try:
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=name, Prefix=prefix())
        keys = [
            obj["Key"].removeprefix(prefix())
            for page in pages
            for obj in page.get("Contents", [])
        ]
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError):
        abort(503, description="the bucket is not reachable")
    if store is not None:
        try:
            store.setex(LISTING_KEY, int(app.config.get("CACHE_SECONDS", 60)), json.dumps(keys))
        except redis.RedisError:
            pass
    return keys


@app.route("/")
def index():
    return render_template("index.html")


@app.route("/files")
def files():
    return jsonify(listing())


@app.route("/files", methods=["POST"])
def upload():
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        abort(400, description="send the file as multipart field `file`")
    name = os.path.basename(sent.filename)
    client, bucket_name = bucket()
    client.upload_fileobj(sent.stream, bucket_name, prefix() + name)
    store = cache()
    if store is not None:
        try:
            store.delete(LISTING_KEY)
        except redis.RedisError:
            pass
    if request.accept_mimetypes.accept_html:
        return redirect(url_for("index"))
    return jsonify(name=name), 201
