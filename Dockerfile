# custodiet worker / tracer / producer image (used by docker-compose.yml).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY schemas schemas
COPY judge judge
COPY graph graph
COPY streams streams
COPY custodiet custodiet
COPY policies policies
COPY scenarios scenarios
COPY importers importers
COPY reports reports
COPY live live
COPY audit audit
RUN pip install --no-cache-dir .
ENV PYTHONUNBUFFERED=1
CMD ["python", "-m", "streams.worker", "worker", "-l", "warn", "--web-port", "6066"]
