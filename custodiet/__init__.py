"""custodiet: where does this footage end up? The command line sits on top of schemas, judge, graph, streams."""

__version__ = "0.1.0"
