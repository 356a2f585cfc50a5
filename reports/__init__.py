"""What a person reads: names for parties and rules (``names``), the headline in sentences (``headline``),
figures (``figures``) and the HTML report in story order (``render``). Sits above ``judge`` and ``graph``.
"""
