# Verbatim: quote verification service.
#   docker build -t verbatim .
#   docker run -p 8000:8000 -v verbatim-data:/data verbatim
ARG BASE_IMAGE=python:3.12-slim

FROM ${BASE_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/venv
COPY pyproject.toml README.md ./
COPY service ./service
COPY schemas ./schemas
RUN /opt/venv/bin/pip install --quiet .

FROM ${BASE_IMAGE}
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORT=8000 \
    VERBATIM_DATA_DIR=/data \
    VERBATIM_CORPUS_DIR=/app/corpus \
    NUMBA_CACHE_DIR=/opt/numba-cache
RUN groupadd --system verbatim && useradd --system --gid verbatim --home-dir /app verbatim \
    && mkdir -p /data /app && chown verbatim:verbatim /data
COPY --from=build /opt/venv /opt/venv
# Compile the matcher's numba kernels once, here, so a container starts in seconds; the cache
# stays writable in case the host's CPU differs from the build machine's and they recompile.
RUN mkdir -p /opt/numba-cache && python -c "import service.matching.matcher" \
    && chown -R verbatim:verbatim /opt/numba-cache
WORKDIR /app
COPY gunicorn.conf.py ./
COPY corpus ./corpus
USER verbatim
VOLUME ["/data"]
EXPOSE 8000
# Slim images have no curl; the standard library is enough to ask /readyz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"8000\")}/readyz', timeout=4)"
CMD ["gunicorn", "-c", "gunicorn.conf.py", "service:create_app()"]
