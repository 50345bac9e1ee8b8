"""The ceiling of the load benchmarks: a Flask hello world, served by the same gunicorn settings
as the app (``gunicorn bench.load.hello:app``)."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, world"


@app.post("/")
def posted() -> str:
    """A POST for bench/faults/worker_restarts.py (nginx never repeats one)."""
    return "ok"
