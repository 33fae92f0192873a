# syntax=docker/dockerfile:1
# The dashboard in a container, served by `python -m posture serve` as a user that cannot
# write the app or its data:
#   docker build -t posture-dashboard .
#   docker run -p 8501:8501 -e POSTURE_ALLOWED_HOSTS=dashboard.example.org posture-dashboard
# Several replicas behind nginx: deploy/compose.yaml. tests/test_dockerfile.py runs these
# steps in order outside docker (a clean Python, the same RUN and CMD lines): keep each RUN a
# plain shell command and every path the image uses under WORKDIR.

# The Python the lock was made with (uv.lock requires >= 3.11; the project's venv is 3.11).
FROM python:3.11-slim-bookworm

# Bytecode compiled at build time: the app's files are read-only at run time, and imports
# without bytecode take three times as long. Settings of `posture serve` (see README, Deploy).
ENV PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    POSTURE_HOST=0.0.0.0 \
    POSTURE_PORT=8501 \
    POSTURE_ALLOWED_HOSTS=

WORKDIR /app

RUN pip install --no-cache-dir --disable-pip-version-check uv==0.13.9

# Dependencies first: this layer is rebuilt only when the lock changes.
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv uv sync --frozen --no-dev

# Code and data (.dockerignore lists what is copied). Files stay owned by root, so the server's
# user reads them and cannot change them.
COPY . .

# A numeric user, so an orchestrator can check it is not root (Kubernetes runAsNonRoot).
USER 10001:10001
EXPOSE 8501

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["/app/.venv/bin/python", "-c", "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"POSTURE_PORT\"]}/_stcore/health', timeout=4)"]

CMD ["/app/.venv/bin/python", "-m", "posture", "serve"]
