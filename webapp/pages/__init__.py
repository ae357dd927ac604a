"""Pages that gather every feature: the dispute page and its actions, orders and opening a dispute."""
