# One image for every FitConnect server process (gateway, ingest, analytics, notifications)
# and the simulated edge fleet; the command picks the role.
# The web app's libraries from npm (scripts/vendor-webapp.sh), copied into the image below.
FROM node:20-slim AS vendor
WORKDIR /src
COPY scripts/vendor-webapp.sh scripts/
RUN sh scripts/vendor-webapp.sh

FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN useradd --create-home --uid 10001 fitconnect
WORKDIR /app
COPY pyproject.toml README.md ./
COPY fitconnect ./fitconnect
COPY --from=vendor /src/fitconnect/gateway/static/vendor ./fitconnect/gateway/static/vendor
COPY deploy ./deploy
RUN pip install '.[server,edge,s3]'
# Mount points the fitconnect user writes (named volumes take this ownership when first used).
RUN mkdir -p /mosquitto/auth /var/lib/fitconnect && chown fitconnect /mosquitto/auth /var/lib/fitconnect
USER fitconnect
ENV FITCONNECT_ENVIRONMENT=production
HEALTHCHECK --interval=15s --timeout=5s --retries=5 CMD ["fitconnect", "doctor"]
ENTRYPOINT ["fitconnect"]
CMD ["gateway"]
