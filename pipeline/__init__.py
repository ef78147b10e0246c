"""vn-discourse: topic modelling and discourse analysis of Vietnamese news, as DVC stages."""

__version__ = "0.1.0"
