"""Grading: one scoring model shared by every front end (`score`), the answer key, which
of several answers counts (`standing`) and safe matching of author patterns."""
