"""Analyses that need both the judge and the custody graph, above ``judge`` and ``graph``: the graph as
judged (``judged``, what every command counts by default) and what-if (``whatif``)."""
