"""Example wfplatform actions, installed with pip (see README.rst)."""
