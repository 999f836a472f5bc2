# syntax=docker/dockerfile:1
# Multi-stage: build wheels for backstock and every dependency, install them offline (no index)
# in a slim image, run as a non-root user. Migrations are not run here: run `backstock migrate`
# once (docker-compose has a one-shot `migrate` service), never in each replica's start.
FROM python:3.11.14-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY backstock ./backstock
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11.14-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN useradd --create-home --uid 10001 backstock
# The wheels are bind-mounted for this one step, so no layer of the image keeps them.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links /wheels backstock
USER backstock
WORKDIR /home/backstock
# The SQLite file lives in a volume: it survives a new container. PostgreSQL deployments set
# BACKSTOCK_DATABASE_URL and leave the volume empty.
RUN mkdir -p /home/backstock/data
VOLUME /home/backstock/data
ENV BACKSTOCK_DATABASE_URL=sqlite:///home/backstock/data/backstock.sqlite3
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2).status != 200)"
CMD ["sh", "-c", "exec backstock serve --host 0.0.0.0 --port 8000 --workers ${BACKSTOCK_WORKERS:-1}"]
