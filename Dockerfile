# The one custodiet image: workers, tracer, live view, topic set-up and the simulated services all run it
# (docker-compose.yml builds it once as custodiet:local). .dockerignore keeps the context to the sources.
FROM python:3.11-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir .
ENV PYTHONUNBUFFERED=1
CMD ["python", "-m", "streams.worker", "worker", "-l", "warn", "--web-port", "6066"]
