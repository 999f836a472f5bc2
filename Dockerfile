# Multi-stage: build a wheel with its dependencies, run it as a non-root user.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY backstock ./backstock
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 backstock
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels
USER backstock
WORKDIR /home/backstock
ENV BACKSTOCK_DATABASE_URL=sqlite:///home/backstock/data/backstock.sqlite3
RUN mkdir -p /home/backstock/data
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2).status != 200)"
CMD ["sh", "-c", "backstock migrate && exec backstock serve --host 0.0.0.0 --port 8000 --workers ${BACKSTOCK_WORKERS:-1}"]
