"""Figure functions of the figures stage (pipeline/figures.py), by subject: style (sizes, palettes, orders),
topics, comparisons, discourse. Each function takes data frames and returns a matplotlib figure, or None when
the data cannot support it."""
