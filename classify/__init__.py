"""Classifiers of real-world names and words: agencies (kind, state) and search reasons (purpose).

They read names as they appear in public records and import nothing of ours but ``schemas``.
"""
