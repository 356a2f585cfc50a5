"""The simulated world: neighbourhoods, residents' cameras, and the Ring, Flock, Axon, police and federal
services that talk over a deterministic in-process bus. Knows neither the judge nor a broker; publishing
its events to Kafka is done by ``streams.services``.
"""
