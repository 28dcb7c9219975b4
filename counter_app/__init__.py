"""counter_app: reception counter software for Vietnam's Public Administration Service Centers.

Kept import-light on purpose: `counter-app --help` must start fast, so nothing heavy is imported here.
"""

__version__ = "0.1.0"
