"""The custody graph and its analyses: time-respecting paths, trace, reach, conduits, min cut, exports.

What each link carries is ``schemas.flow``'s to say (hand-overs transitive; grants and searches one hop from
the grantor's own cameras), and every analysis here asks it. Imports ``schemas`` only, never the judge: the
graph "as judged" is built above it (``analysis.judged``).
"""
