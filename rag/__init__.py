"""Retrieval, answers and the index: the part of Strategiekompass that reads."""
