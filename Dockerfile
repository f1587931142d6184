# Haven: python -m bot run, as a non-root user, with a health check on /healthz.
# Configure with environment variables (see README.md); REDIS_URL should point at a shared
# Redis in production (without it Haven starts a private redis-server inside the container,
# which loses sessions on restart and cannot be shared by several workers).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HAVEN_DATA_DIR=/app \
    PORT=8080

WORKDIR /app
RUN groupadd --system haven && useradd --system --gid haven --home-dir /app --no-create-home haven

COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install .

COPY flows ./flows
COPY locales ./locales
# Validates every flow, list and catalog at build time (a broken file fails the build) and
# leaves the compiled phrase lists in locales/.compiled, so start-up skips compiling them.
RUN python -m bot flows check

USER haven
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8080'), timeout=4)"]
CMD ["python", "-m", "bot", "run"]
